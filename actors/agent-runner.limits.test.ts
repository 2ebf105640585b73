// Limits a model cannot talk its way past, and a run that is written ahead: the step budget is
// checked before every call, a turn runs at most `callsPerTurn` calls and asks for at most
// `pendingApprovals` approvals, and a recorded turn is worked through without asking the model
// again, whatever it would answer the second time.
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { ephemeralSigner, type ToolCall } from '../protocol/index.ts';
import { MANAGER, definition, start, stopAll, tools } from '../tests/agent-runner-harness.ts';
import { waitFor } from '../tests/helpers.ts';
import { createAgentRunner, ScriptedChatModel, type Playbook } from './index.ts';
import type { RunContext, RunResult } from './task-runner.ts';

afterEach(stopAll);

const rows = (count: number): Playbook => ({ turn, latest }) =>
  turn === 0 ? { calls: Array.from({ length: count }, (_, index) => ({ tool: 'sheets.appendRow', args: { row: index } })) } : { text: `results: ${latest.join(' / ')}` };

describe('limits per run and per turn', () => {
  it('checks the step budget before every call: a turn of 50 calls with stepsPerRun 5 runs 4 (the turn was the 5th step), then goes on once extended', async () => {
    const budget = { stepsPerRun: 5, tokensPerRun: 1_000_000, callsPerTurn: 100 };
    const { assign, status, send, connector } = await start({ playbook: rows(50), definition: definition({ budget }) });
    await assign('fifty rows', { jobId: 'follow-up' });
    await waitFor(async () => status().state.status === 'blocked', 'blocked on the budget');
    expect(connector.executions.map((call) => call.idempotencyKey)).toEqual([0, 1, 2, 3].map((index) => `run:task-1:t0:c${index}`));
    expect(status().waitingFor).toContain('used 5 of 5 steps');
    await send({ type: 'block.resolve', blockId: status().blockId!, answer: 'go on', by: MANAGER });
    await waitFor(async () => connector.executions.length === 9 && status().state.status === 'blocked', 'the turn to go on where it stopped');
    expect(connector.executions.map((call) => call.args.row)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('runs at most callsPerTurn calls of one turn and answers the rest "not run", audited', async () => {
    const { assign, idle, connector, events, audit } = await start({ playbook: rows(50), definition: definition({ budget: { stepsPerRun: 100, tokensPerRun: 1_000_000 } }) });
    await assign('fifty rows', { jobId: 'follow-up' });
    await idle();
    expect(connector.executions).toHaveLength(10);
    const report = events.find((event) => event.type === 'message');
    expect(report?.type === 'message' && report.text.match(/Not run: too many calls in one turn \(at most 10\)/g)).toHaveLength(40);
    await waitFor(async () => (await audit()).filter((entry) => entry.kind === 'tool.refused' && entry.summary.includes('budget.callsPerTurn')).length === 40, '40 refusals audited');
  });

  it('asks for at most pendingApprovals approvals from one turn of 10 gated calls', async () => {
    const emails: Playbook = ({ turn, latest }) =>
      turn === 0 ? { calls: Array.from({ length: 10 }, (_, index) => ({ tool: 'email.send', args: { to: [`c${index}@x.example`], subject: 'Hi', body: 'Hello' } })) } : { text: latest.join(' / ') };
    const { assign, approvalRequested, decide, idle, connector, events, audit } = await start({ playbook: emails });
    await assign('ten emails', { jobId: 'follow-up' });
    await approvalRequested(3);
    const requests = events.flatMap((event) => (event.type === 'approval.requested' ? [event.approval] : []));
    expect(requests).toHaveLength(3);
    expect(requests.every((request) => request.approvers.length === 1 && request.approvers[0] === MANAGER)).toBe(true);
    for (const request of requests) await decide(request.id, 'approved');
    await idle();
    expect(connector.executions.map((call) => call.args.to)).toEqual([['c0@x.example'], ['c1@x.example'], ['c2@x.example']]);
    expect(events.filter((event) => event.type === 'approval.requested')).toHaveLength(3);
    const report = events.find((event) => event.type === 'message');
    expect(report?.type === 'message' && report.text.match(/Ask again once the pending ones are decided/g)).toHaveLength(7);
    await waitFor(async () => (await audit()).filter((entry) => entry.kind === 'tool.refused' && entry.summary.includes('budget.pendingApprovals')).length === 7, '7 refusals audited');
  });
});

describe('a written-ahead turn', () => {
  const coworker = definition({ tools: ['sheets.appendRow'], jobs: [] });

  it('is recorded before any call runs, and a step run again after a crash repeats its call under the same key without asking the model', async () => {
    let asked = 0;
    // Like a real model: asked twice, it answers differently.
    const varying: Playbook = ({ turn }) => (asked++, turn === 0 ? { calls: [{ tool: 'sheets.appendRow', args: { row: randomUUID() } }, { tool: 'sheets.appendRow', args: { row: randomUUID() } }] } : { text: 'done' });
    const calls: ToolCall[] = [];
    const runner = createAgentRunner({ model: new ScriptedChatModel({ fallback: varying }), tools, callTool: async (call) => (calls.push(call), { result: { ok: true }, replayed: false }), signer: ephemeralSigner() });
    const task = { id: 't1', text: 'two rows', source: 'person' as const, requestedBy: MANAGER, createdAt: 0 };
    const context: RunContext = { coworkerId: 'sam', task, notes: [], run: null, definition: coworker, signal: new AbortController().signal, audit: async () => {}, now: () => 0 };
    // Each step starts from what the last one stored, through JSON, as after a restore.
    const next = (result: RunResult) => ({ ...context, run: JSON.parse(JSON.stringify((result as { run: unknown }).run)) as unknown });

    const turn = await runner(context);
    expect(turn.kind).toBe('progress');
    expect(calls).toEqual([]);
    const first = await runner(next(turn));
    const again = await runner(next(turn));
    expect(calls.map((call) => call.idempotencyKey)).toEqual(['run:t1:t0:c0', 'run:t1:t0:c0']);
    expect(calls[1]!.args).toEqual(calls[0]!.args);
    expect(JSON.stringify(again)).toBe(JSON.stringify(first));
    const second = await runner(next(first));
    expect(calls.map((call) => call.idempotencyKey).at(-1)).toBe('run:t1:t0:c1');
    expect(asked).toBe(1);
    const done = await runner(next(second));
    expect(done).toMatchObject({ kind: 'done' });
    expect(asked).toBe(2);
  });
});
