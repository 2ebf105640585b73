// A tool result that echoes a secret: the connector stores it (executed keys), answers it and logs
// it with the secret replaced by its name, so it reaches neither the store nor the model.
import { pino } from 'pino';
import { afterEach, expect, it } from 'vitest';
import { z } from 'zod';
import { createMemoryBus } from '../messaging/index.ts';
import { createSqliteStore } from '../persistence/index.ts';
import { ephemeralSigner, signGrant, type ToolCall } from '../protocol/index.ts';
import { createScrubber } from '../protocol/scrubber.ts';
import { defineConnector } from './connector-kit.ts';
import { serveConnector } from './serve-connector.ts';
import { createToolClient } from './tool-client.ts';

const SECRET = 'whsec_0123456789abcdef';
const runtime = ephemeralSigner();
const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

const leaky = defineConnector({
  name: 'leaky',
  description: 'Echoes its secret, as a misbehaving service would.',
  tools: {
    send: { description: 'A call with a side effect.', risk: 'write', input: z.strictObject({}), run: async () => ({ echoed: `signed with ${SECRET}`, [SECRET]: true }) },
    read: { description: 'A read.', risk: 'read', input: z.strictObject({}), run: async () => ({ headers: { authorization: `Bearer ${SECRET}` } }) },
    fail: {
      description: 'A failure quoting the secret.',
      risk: 'read',
      input: z.strictObject({}),
      run: async () => {
        throw new Error(`401 for token ${SECRET}`);
      },
    },
  },
});

it('stores and answers results, reads and failures with the secret replaced by its name', async () => {
  const bus = createMemoryBus();
  const store = createSqliteStore({ path: ':memory:' });
  closers.push(() => store.close(), () => bus.close());
  const served = await serveConnector({
    bus,
    connector: leaky,
    documents: store.documents,
    grants: async () => ['leaky.send', 'leaky.read', 'leaky.fail'],
    trust: { runtimes: [runtime.publicKey] },
    logger: pino({ level: 'silent' }),
    scrubber: createScrubber({ WEBHOOK_SECRET: SECRET }),
  });
  closers.push(() => served.stop());
  const client = createToolClient({ bus, timeoutMs: 5_000 });
  const request: ToolCall = { v: 1, tool: 'leaky.send', args: {}, coworkerId: 'otto', runId: 'run-1', idempotencyKey: 'k1' };
  const call = { ...request, approval: signGrant(runtime, request, 'p1') };

  const answered = await client.call(call);
  expect(answered.result).toEqual({ echoed: 'signed with [secret:WEBHOOK_SECRET]', '[secret:WEBHOOK_SECRET]': true });
  const stored = await store.documents.get('tool-results', 'leaky:k1');
  expect(JSON.stringify(stored)).toContain('[secret:WEBHOOK_SECRET]');
  expect(JSON.stringify(stored)).not.toContain(SECRET);
  // The repeat comes from the store: scrubbed too.
  await expect(client.call(call)).resolves.toEqual({ result: answered.result, replayed: true });

  const read = await client.call({ v: 1, tool: 'leaky.read', args: {}, coworkerId: 'otto', runId: 'run-1', idempotencyKey: 'k2' });
  expect(read.result).toEqual({ headers: { authorization: 'Bearer [secret:WEBHOOK_SECRET]' } });
  const failed = await client.call({ v: 1, tool: 'leaky.fail', args: {}, coworkerId: 'otto', runId: 'run-1', idempotencyKey: 'k3' }).catch((error: Error) => error);
  expect(String((failed as Error).message)).toContain('[secret:WEBHOOK_SECRET]');
  expect(String((failed as Error).message)).not.toContain(SECRET);
});
