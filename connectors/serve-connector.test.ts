// A tool call across the bus: the runtime's tool client on one side, a served connector on the
// other, over the in-process bus and over a real NATS server. Errors arrive with their code, and
// a call that is not a read runs only under a grant signed by a runtime the connector trusts.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { connect } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { pino } from 'pino';
import { z } from 'zod';
import { Svcm } from '@nats-io/services';
import { canonicalJson, ephemeralSigner, sha256, signGrant, subjects, type GrantApproval, type Signer, type ToolCall } from '../protocol/index.ts';
import { createSqliteStore, type Documents } from '../persistence/index.ts';
import { createMemoryBus, createNatsBus, type Bus } from '../messaging/index.ts';
import { defineConnector } from './connector-kit.ts';
import { serveConnector, type GrantLookup } from './serve-connector.ts';
import { createToolClient, type ToolClient } from './tool-client.ts';

const logger = pino({ level: 'silent' });

function uniquePrefix(): string {
  return `test_${crypto.randomUUID().replaceAll('-', '').slice(0, 12)}.v1`;
}

async function memoryBus() {
  const bus = createMemoryBus({ prefix: uniquePrefix() });
  return { bus, cleanup: () => bus.close() };
}

async function natsBus() {
  const connection = await connect({ servers: process.env.NATS_URL });
  const prefix = uniquePrefix();
  const bus = await createNatsBus({ connection, prefix, logger }).catch(async (error: unknown) => {
    await connection.close();
    throw error;
  });
  return {
    bus,
    cleanup: async () => {
      try {
        await bus.close();
        const streams = (await jetstreamManager(connection)).streams;
        await streams.delete(await streams.find(`${prefix}.${subjects.command('task', 'x')}`));
      } finally {
        await connection.close();
      }
    },
  };
}

function echoConnector() {
  let attempts = 0;
  return defineConnector({
    name: 'echo',
    description: 'Echoes for the serve tests.',
    tools: {
      say: {
        description: 'Say something back.',
        risk: 'public-post',
        input: z.strictObject({ text: z.string() }),
        async run({ text }, { coworkerId }) {
          return { said: text, by: coworkerId, attempt: ++attempts };
        },
      },
      peek: {
        description: 'Read without a grant.',
        risk: 'read',
        input: z.strictObject({}),
        async run(_args, { coworkerId }) {
          return { seen: coworkerId, attempts };
        },
      },
      flaky: {
        description: 'Always away.',
        risk: 'read',
        input: z.strictObject({}),
        async run() {
          throw new Error('connection refused');
        },
      },
    },
  });
}

/** The runtime the connector trusts, and a key it does not. */
const runtime = ephemeralSigner();
const stranger = ephemeralSigner();

function unsigned(fields: Partial<ToolCall> = {}): ToolCall {
  return { v: 1, tool: 'echo.say', args: { text: 'hi' }, coworkerId: 'otto', runId: 'run-1', idempotencyKey: crypto.randomUUID(), ...fields };
}

/** A call as a runtime sends it: `fields` first, then the grant signed for exactly that call. */
function call(fields: Partial<ToolCall> = {}, approval?: GrantApproval, signer: Signer = runtime): ToolCall {
  const request = unsigned(fields);
  return { ...request, approval: signGrant(signer, request, 'p1', approval) };
}

describe.each([
  ['the in-process bus', memoryBus],
  ['NATS', natsBus],
])('a connector served over %s', (_name, createBus) => {
  let bus: Bus;
  let cleanup: (() => Promise<void>) | undefined;
  let client: ToolClient;

  let documents: Documents;
  let closeStore: () => Promise<void>;
  const grants: GrantLookup = async (coworkerId) => ({ otto: ['echo.say', 'echo.peek', 'echo.flaky', 'echo.shout'], mia: ['echo.flaky'] })[coworkerId] ?? null;
  const serve = (connector = echoConnector()) => serveConnector({ bus, connector, documents, grants, trust: { runtimes: [runtime.publicKey] }, logger });

  beforeEach(async () => {
    ({ bus, cleanup } = await createBus());
    const store = createSqliteStore({ path: ':memory:' });
    ({ documents } = store);
    closeStore = () => store.close();
    await serve();
    client = createToolClient({ bus, timeoutMs: 5_000 });
  });

  afterEach(async () => {
    await cleanup?.();
    cleanup = undefined;
    await closeStore();
  });

  it('answers a call, and a repeat of its key with the first result', async () => {
    const first = call({ idempotencyKey: 'k1' });
    await expect(client.call(first)).resolves.toEqual({ result: { said: 'hi', by: 'otto', attempt: 1 }, replayed: false });
    await expect(client.call(first)).resolves.toEqual({ result: { said: 'hi', by: 'otto', attempt: 1 }, replayed: true });
  });

  it('refuses a coworker the tool is not granted to, and an unknown coworker, without running anything', async () => {
    await expect(client.call(call({ coworkerId: 'mia' }))).rejects.toMatchObject({ code: 'TOOL_NOT_GRANTED', message: expect.stringContaining('"mia" is not granted echo.say') });
    await expect(client.call(call({ coworkerId: 'mallory' }))).rejects.toMatchObject({ code: 'TOOL_NOT_GRANTED', message: expect.stringContaining('no coworker "mallory"') });
    await expect(client.call(call({ idempotencyKey: 'after' }))).resolves.toMatchObject({ result: { attempt: 1 } });
  });

  it('answers a key executed before a restart with its first result, from the store', async () => {
    const first = call({ idempotencyKey: 'k-restart' });
    await expect(client.call(first)).resolves.toMatchObject({ result: { attempt: 1 }, replayed: false });
    // A second instance with a fresh memory (as after a restart) on the same store.
    const restarted = await serve();
    await expect(client.call(first)).resolves.toEqual({ result: { said: 'hi', by: 'otto', attempt: 1 }, replayed: true });
    await expect(client.call(first)).resolves.toEqual({ result: { said: 'hi', by: 'otto', attempt: 1 }, replayed: true });
    await restarted.stop();
  });

  it('reports a key whose run never finished instead of running it again', async () => {
    const fingerprint = sha256(canonicalJson({ coworker: 'otto', tool: 'echo.say', args: { text: 'hi' } }));
    await documents.insert('tool-runs', 'echo:k-crashed', { fingerprint, at: 0 });
    await expect(client.call(call({ idempotencyKey: 'k-crashed' }))).rejects.toMatchObject({ code: 'TOOL_FAILED', retryable: true, message: expect.stringContaining('never finished') });
    await expect(client.call(call({ idempotencyKey: 'k-crashed', args: { text: 'other' } }))).rejects.toMatchObject({ code: 'TOOL_FAILED', message: expect.stringContaining('different call') });
  });

  describe('grants', () => {
    const refusal = (why: string) => ({ code: 'GRANT_INVALID', retryable: false, message: expect.stringMatching(new RegExp(`${why}.*Nothing was run`)) });
    /** Nothing ran: the next valid call is the tool's first run. */
    const nothingRan = () => expect(client.call(call({ args: { text: 'after' } }))).resolves.toMatchObject({ result: { said: 'after', attempt: 1 }, replayed: false });

    it('runs a call under a signed grant, autonomous or approved by a person', async () => {
      await expect(client.call(call({ args: { text: 'autonomous' } }))).resolves.toMatchObject({ result: { said: 'autonomous', attempt: 1 } });
      const approved = call({ args: { text: 'approved' }, idempotencyKey: 'approval:a1' }, { approvalId: 'a1', approvedBy: 'U04MARIA01' });
      expect(approved.approval).toMatchObject({ kind: 'approved', approvalId: 'a1', approvedBy: 'U04MARIA01', signature: { key: runtime.publicKey } });
      await expect(client.call(approved)).resolves.toMatchObject({ result: { said: 'approved', attempt: 2 } });
    });

    it('answers a read without a grant', async () => {
      await expect(client.call(unsigned({ tool: 'echo.peek', args: {} }))).resolves.toEqual({ result: { seen: 'otto', attempts: 0 }, replayed: false });
    });

    it('refuses a call that is not a read without a grant, or with one that is not signed', async () => {
      await expect(client.call(unsigned())).rejects.toMatchObject(refusal('carries no grant'));
      const { signature: _signature, ...grant } = call().approval!;
      await expect(bus.request(subjects.tool('echo'), { ...unsigned(), approval: grant })).rejects.toMatchObject(refusal('not a signed grant'));
      await expect(bus.request(subjects.tool('echo'), { ...unsigned(), approval: { id: 'a1', argsHash: 'x', policyVersion: 'p1' } })).rejects.toMatchObject(refusal('not a signed grant'));
      await nothingRan();
    });

    it('refuses a grant signed by a key it does not trust', async () => {
      await expect(client.call(call({}, undefined, stranger))).rejects.toMatchObject(refusal(`signed by ${stranger.publicKey}, which is not a runtime`));
      // Another key in the trusted one's name: the signature is checked against the key it names.
      const forged = call({}, undefined, stranger);
      await expect(client.call({ ...forged, approval: { ...forged.approval!, signature: { ...forged.approval!.signature, key: runtime.publicKey } } })).rejects.toMatchObject(refusal('does not match'));
      await nothingRan();
    });

    it('refuses a grant with any of its fields changed', async () => {
      const approved = call({}, { approvalId: 'a1', approvedBy: 'U04MARIA01' });
      const changes: Record<string, unknown>[] = [
        { kind: 'autonomous' },
        { coworkerId: 'mia' },
        { tool: 'echo.shout' },
        { argsHash: sha256('other') },
        { policyVersion: 'p2' },
        { idempotencyKey: 'k-other' },
        { runId: 'run-2' },
        { approvalId: 'a2' },
        { approvedBy: 'U0MALLORY' },
      ];
      for (const change of changes) {
        // An approved grant called autonomous keeps fields an autonomous one has not: not a grant at all.
        const why = 'kind' in change ? 'not a signed grant' : 'does not match';
        await expect(client.call({ ...approved, approval: { ...approved.approval!, ...change } as ToolCall['approval'] }), JSON.stringify(change)).rejects.toMatchObject(refusal(why));
      }
      await nothingRan();
    });

    it('refuses a grant moved to another call, or a call changed under its grant', async () => {
      const granted = call();
      for (const change of [{ coworkerId: 'mia' }, { tool: 'echo.shout' }, { runId: 'run-2' }, { idempotencyKey: 'k-other' }]) {
        const field = Object.keys(change)[0]!;
        await expect(client.call({ ...granted, ...change })).rejects.toMatchObject(refusal(`the grant is for ${field}`));
      }
      await expect(client.call({ ...granted, args: { text: 'changed' } })).rejects.toMatchObject(refusal('does not cover these arguments'));
      await nothingRan();
    });
  });

  it('brings errors back with their code and retryable flag', async () => {
    await expect(client.call(call({ tool: 'echo.shout' }))).rejects.toMatchObject({ code: 'TOOL_UNKNOWN', message: expect.stringContaining('echo.say, echo.peek, echo.flaky') });
    await expect(client.call(call({ args: { text: 1 } }))).rejects.toMatchObject({ code: 'TOOL_FAILED', retryable: false, message: expect.stringContaining('text:') });
    await expect(client.call(call({ tool: 'echo.flaky', args: {} }))).rejects.toMatchObject({ code: 'TOOL_FAILED', retryable: true, message: 'echo.flaky failed: connection refused' });
  });

  it('refuses a request that is not a tool call', async () => {
    await expect(bus.request(subjects.tool('echo'), { tool: 'echo.say' })).rejects.toMatchObject({ code: 'COMMAND_INVALID', message: expect.stringContaining('coworkerId') });
  });

  it('says nobody answers for a connector that is not served', async () => {
    await expect(client.call(call({ tool: 'crm.getDeal' }))).rejects.toMatchObject({ code: 'NO_RESPONDERS' });
  });

  it('refuses a reply that is not a tool result', async () => {
    await bus.respond(subjects.tool('odd'), async () => ({ answer: 42 }));
    await expect(client.call(call({ tool: 'odd.thing' }))).rejects.toMatchObject({ code: 'INTERNAL', message: expect.stringContaining('is not a tool result') });
  });
});

describe('the tool client', () => {
  it('refuses a tool name without a connector before sending anything', async () => {
    const bus = createMemoryBus();
    try {
      await expect(createToolClient({ bus }).call(call({ tool: 'getDeal' }))).rejects.toMatchObject({ code: 'TOOL_UNKNOWN' });
    } finally {
      await bus.close();
    }
  });
});

describe('a connector on NATS', () => {
  it('is a micro-service: discovered with its tools, and counted in its stats', async () => {
    const { bus, cleanup } = await natsBus();
    const store = createSqliteStore({ path: ':memory:' });
    const connection = await connect({ servers: process.env.NATS_URL });
    try {
      await serveConnector({ bus, connector: echoConnector(), documents: store.documents, grants: async () => ['echo.say'], trust: { runtimes: [runtime.publicKey] }, logger });
      await createToolClient({ bus }).call(call({ idempotencyKey: 'svc-1' }));
      const services = new Svcm(connection).client();
      const infos = [];
      for await (const info of await services.info('coworkers-echo')) infos.push(info);
      const mine = infos.find((info) => info.metadata?.prefix && info.endpoints.some((endpoint) => endpoint.subject.startsWith(info.metadata!.prefix!)));
      expect(mine).toMatchObject({ name: 'coworkers-echo', description: 'Echoes for the serve tests.', metadata: { connector: 'echo', tools: 'echo.say,echo.peek,echo.flaky' } });
      const stats = [];
      for await (const stat of await services.stats('coworkers-echo', mine!.id)) stats.push(stat);
      expect(stats[0]!.endpoints![0]).toMatchObject({ num_requests: 1, num_errors: 0 });
    } finally {
      await connection.close();
      await store.close();
      await cleanup();
    }
  });
});
