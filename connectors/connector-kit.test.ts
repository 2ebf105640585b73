import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { CoworkersError, type ToolCall } from '../protocol/index.ts';
import { defineConnector } from './connector-kit.ts';

function noteConnector() {
  const runs: { text: string; key: string }[] = [];
  let failuresLeft = 0;
  const connector = defineConnector({
    name: 'notes',
    description: 'Notes for the kit tests.',
    tools: {
      add: {
        description: 'Add a note.',
        risk: 'write',
        input: z.strictObject({ text: z.string().min(1), pinned: z.boolean().default(false) }),
        async run({ text }, { idempotencyKey }) {
          await Promise.resolve();
          if (failuresLeft > 0) {
            failuresLeft--;
            throw new Error('notes service unavailable');
          }
          runs.push({ text, key: idempotencyKey });
          return { id: runs.length };
        },
      },
      remove: {
        description: 'Remove a note.',
        risk: 'destructive',
        input: z.strictObject({ id: z.number().int() }),
        consequential: ['id'],
        async run({ id }) {
          throw new CoworkersError('TOOL_FAILED', `No note ${id}`);
        },
      },
    },
  });
  return { connector, runs, failNext: (count: number) => (failuresLeft = count) };
}

function call(fields: Partial<ToolCall> = {}): ToolCall {
  return { v: 1, tool: 'notes.add', args: { text: 'hello' }, coworkerId: 'ava', runId: 'run-1', idempotencyKey: crypto.randomUUID(), ...fields };
}

describe('defineConnector', () => {
  it('declares each tool as <connector>.<operation> with its risk and a JSON Schema of its input', () => {
    const { connector } = noteConnector();
    expect(connector.specs).toEqual([
      {
        name: 'notes.add',
        description: 'Add a note.',
        risk: 'write',
        input: {
          type: 'object',
          properties: { text: { type: 'string', minLength: 1 }, pinned: { type: 'boolean', default: false } },
          required: ['text'],
          additionalProperties: false,
        },
      },
      expect.objectContaining({ name: 'notes.remove', risk: 'destructive', consequential: ['id'] }),
    ]);
  });

  it('refuses a tool it does not offer and lists the ones it does', async () => {
    const { connector } = noteConnector();
    for (const tool of ['notes.archive', 'crm.add', 'notes.constructor']) {
      await expect(connector.call(call({ tool }))).rejects.toMatchObject({ code: 'TOOL_UNKNOWN', message: expect.stringContaining('notes.add, notes.remove') });
    }
  });

  it('refuses invalid arguments, naming each field and what it expected, without running', async () => {
    const { connector, runs } = noteConnector();
    const error = await connector.call(call({ args: { text: 42, colour: 'red' } })).catch((reason: unknown) => reason);
    expect(error).toMatchObject({ code: 'TOOL_FAILED', retryable: false });
    expect((error as CoworkersError).message).toContain('text: Invalid input: expected string, received number');
    expect((error as CoworkersError).message).toContain('arguments: Unrecognized key: "colour"');
    expect(runs).toEqual([]);
  });

  it('runs with the parsed arguments, defaults applied', async () => {
    const { connector } = noteConnector();
    await expect(connector.call(call())).resolves.toEqual({ result: { id: 1 }, replayed: false });
  });

  describe('idempotency', () => {
    it('runs a key once and answers a repeat with the first result', async () => {
      const { connector, runs } = noteConnector();
      const first = call({ idempotencyKey: 'k1' });
      await expect(connector.call(first)).resolves.toEqual({ result: { id: 1 }, replayed: false });
      await expect(connector.call(first)).resolves.toEqual({ result: { id: 1 }, replayed: true });
      await expect(connector.call(call({ idempotencyKey: 'k2' }))).resolves.toEqual({ result: { id: 2 }, replayed: false });
      expect(runs.map((run) => run.key)).toEqual(['k1', 'k2']);
    });

    it('shares one run between concurrent repeats', async () => {
      const { connector, runs } = noteConnector();
      const results = await Promise.all([1, 2, 3].map(() => connector.call(call({ idempotencyKey: 'k1' }))));
      expect(runs).toHaveLength(1);
      expect(results.map((result) => result.replayed)).toEqual([false, true, true]);
      expect(new Set(results.map((result) => JSON.stringify(result.result))).size).toBe(1);
    });

    it('refuses a key reused for a different call', async () => {
      const { connector, runs } = noteConnector();
      await connector.call(call({ idempotencyKey: 'k1' }));
      await expect(connector.call(call({ idempotencyKey: 'k1', args: { text: 'other' } }))).rejects.toMatchObject({
        code: 'TOOL_FAILED',
        message: expect.stringContaining('already used for a different call'),
      });
      expect(runs).toHaveLength(1);
    });

    it('forgets a failed run, so a retry with the same key runs again', async () => {
      const { connector, runs, failNext } = noteConnector();
      failNext(1);
      const retried = call({ idempotencyKey: 'k1' });
      await expect(connector.call(retried)).rejects.toMatchObject({ code: 'TOOL_FAILED', retryable: true, message: 'notes.add failed: notes service unavailable' });
      await expect(connector.call(retried)).resolves.toEqual({ result: { id: 1 }, replayed: false });
      expect(runs).toHaveLength(1);
    });

    it('fails concurrent repeats of a failing run together', async () => {
      const { connector, failNext } = noteConnector();
      failNext(1);
      const outcomes = await Promise.allSettled([1, 2].map(() => connector.call(call({ idempotencyKey: 'k1' }))));
      expect(outcomes.map((outcome) => outcome.status)).toEqual(['rejected', 'rejected']);
    });
  });

  it("passes a tool's own CoworkersError through as it is (not retryable)", async () => {
    const { connector } = noteConnector();
    await expect(connector.call(call({ tool: 'notes.remove', args: { id: 7 } }))).rejects.toMatchObject({ code: 'TOOL_FAILED', retryable: false, message: 'No note 7' });
  });

  it('refuses to define a tool whose name is not a valid tool name', () => {
    const define = () => defineConnector({ name: 'Bad', description: 'x', tools: { op: { description: 'x', risk: 'read', input: z.strictObject({}), run: async () => null } } });
    expect(define).toThrow(/The tool "Bad.op" is not declared correctly/);
  });

  it('refuses to declare as consequential an argument the tool does not take', () => {
    // A typo would otherwise leave a recipient to the well-known names, or unshown first.
    const input = z.strictObject({ dealId: z.string() });
    const define = () => defineConnector({ name: 'crm', description: 'x', tools: { op: { description: 'x', risk: 'write', input, consequential: ['dealID' as 'dealId'], run: async () => null } } });
    expect(define).toThrow('The tool "crm.op" declares consequential arguments it does not take: dealID.');
  });
});
