// `coworkers connector email` as a process of its own on NATS, sending through a real SMTP
// server: a key it executed is answered from the store after the process was killed and started
// again; a call without a grant signed by a runtime it trusts is refused, and so is a signed call
// for a coworker not granted the tool. Nothing refused is sent.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createToolClient } from '../connectors/index.ts';
import { loadDefinitions } from '../definitions/index.ts';
import { startTestSmtpServer } from '../connectors/email/email-test-kit.ts';
import { ephemeralSigner, signGrant, type ToolCall } from '../protocol/index.ts';
import { definitionYaml, uniqueName, waitFor, writeDefinitions } from './helpers.ts';
import { connectAsTest, startRuntimeProcess, stopRuntimeProcess } from './runtime-processes.ts';
import { testIdentity } from './test-identity.ts';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('a connector as its own process', () => {
  it('sends once per key across a SIGKILL and a restart, and refuses a call without a valid grant or an ungranted caller', async () => {
    const smtp = await startTestSmtpServer();
    cleanups.push(() => smtp.close());
    const dir = writeDefinitions({ ava: `${definitionYaml('ava')}tools: [email.send, email.listDrafts]\n`, otto: `${definitionYaml('otto')}tools: [email.draft]\n` });
    writeFileSync(join(dir, 'connectors.yaml'), `email:\n  from: "Ava <ava@example.com>"\n  smtp: { host: 127.0.0.1, port: ${smtp.port}, secure: false }\n`);
    // The connector process trusts this test's key as a runtime's (NATS_NKEY_FILE, COWORKERS_TRUST_FILE).
    const runtime = testIdentity();
    const env = { ...process.env, ...runtime.env, LOG_LEVEL: 'warn', MONGODB_DB: uniqueName('connector'), COWORKERS_SUBJECT_PREFIX: `${uniqueName('connector')}.v1` };
    const { bus, store } = await connectAsTest(env, cleanups);
    // The runtime registers the definitions in the store, where the connector reads the grants.
    await store.registerCoworkers((await loadDefinitions(dir)).definitions.map((entry) => entry.definition));

    const start = () => startRuntimeProcess('cli/main.ts', env, cleanups, { args: ['connector', 'email', '--dir', dir, '--data', join(dir, 'data')], ready: 'Ctrl-C stops' });
    const tools = createToolClient({ bus, timeoutMs: 10_000 });
    const unsigned: ToolCall = { v: 1, tool: 'email.send', args: { to: ['jordan@acme.example'], subject: 'Renewal', body: 'Shall we sign?' }, coworkerId: 'ava', runId: 'run-1', idempotencyKey: 'approval:apr-1' };
    /** The call as a runtime sends it: under a grant it signed for exactly this call. */
    const signed = (call: ToolCall, signer = runtime.signer): ToolCall => ({ ...call, approval: signGrant(signer, call, 'p1', { approvalId: 'apr-1', approvedBy: 'UMANAGER1' }) });
    const send = signed(unsigned);

    let connector = await start();
    expect(connector.output()).toContain('serving email.send, email.draft, email.listDrafts');
    const first = await tools.call(send);
    expect(first).toMatchObject({ replayed: false, result: { accepted: ['jordan@acme.example'] } });

    await stopRuntimeProcess(connector, 'SIGKILL');
    connector = await start();
    await expect(tools.call(send)).resolves.toEqual({ result: first.result, replayed: true });
    await expect(tools.call(signed({ ...unsigned, idempotencyKey: 'approval:apr-2' }))).resolves.toMatchObject({ replayed: false });
    await waitFor(async () => smtp.received.length === 2, 'two mails');
    expect(new Set(smtp.received.map((mail) => mail.parsed.messageId)).size).toBe(2);

    // On the bus, without the runtime: no grant, a grant by a key it does not trust, a grant for other arguments.
    const fresh = { ...unsigned, idempotencyKey: 'approval:apr-3' };
    await expect(tools.call(fresh)).rejects.toMatchObject({ code: 'GRANT_INVALID', message: expect.stringContaining('carries no grant') });
    await expect(tools.call(signed(fresh, ephemeralSigner()))).rejects.toMatchObject({ code: 'GRANT_INVALID', message: expect.stringContaining('not a runtime this connector trusts') });
    await expect(tools.call({ ...signed(fresh), args: { ...fresh.args, to: ['mallory@evil.example'] } })).rejects.toMatchObject({ code: 'GRANT_INVALID', message: expect.stringContaining('does not cover these arguments') });
    // Signed, but otto is not granted email.send, and mallory is nobody.
    await expect(tools.call(signed({ ...unsigned, coworkerId: 'otto', idempotencyKey: 'k-otto' }))).rejects.toMatchObject({ code: 'TOOL_NOT_GRANTED' });
    await expect(tools.call(signed({ ...unsigned, coworkerId: 'mallory', idempotencyKey: 'k-mallory' }))).rejects.toMatchObject({ code: 'TOOL_NOT_GRANTED' });
    // A read needs no grant.
    await expect(tools.call({ ...unsigned, tool: 'email.listDrafts', args: {}, idempotencyKey: 'k-read' })).resolves.toMatchObject({ replayed: false });
    expect(smtp.received).toHaveLength(2);
    await stopRuntimeProcess(connector, 'SIGTERM');
  });
});
