// `coworkers connector email` as a process of its own on NATS, sending through a real SMTP
// server: a key it executed is answered from the store after the process was killed and started
// again, and a caller that skips the runtime is refused unless the coworker is granted the tool.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createToolClient } from '../connectors/index.ts';
import { loadDefinitions } from '../definitions/index.ts';
import { startTestSmtpServer } from '../connectors/email/email-test-kit.ts';
import type { ToolCall } from '../protocol/index.ts';
import { definitionYaml, uniqueName, waitFor, writeDefinitions } from './helpers.ts';
import { connectAsTest, startRuntimeProcess, stopRuntimeProcess } from './runtime-processes.ts';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('a connector as its own process', () => {
  it('sends once per key across a SIGKILL and a restart, and refuses an ungranted caller', async () => {
    const smtp = await startTestSmtpServer();
    cleanups.push(() => smtp.close());
    const dir = writeDefinitions({ ava: `${definitionYaml('ava')}tools: [email.send]\n`, otto: `${definitionYaml('otto')}tools: [email.draft]\n` });
    writeFileSync(join(dir, 'connectors.yaml'), `email:\n  from: "Ava <ava@example.com>"\n  smtp: { host: 127.0.0.1, port: ${smtp.port}, secure: false }\n`);
    const env = { ...process.env, LOG_LEVEL: 'warn', MONGODB_DB: uniqueName('connector'), COWORKERS_SUBJECT_PREFIX: `${uniqueName('connector')}.v1` };
    const { bus, store } = await connectAsTest(env, cleanups);
    // The runtime registers the definitions in the store, where the connector reads the grants.
    await store.registerCoworkers((await loadDefinitions(dir)).definitions.map((entry) => entry.definition));

    const start = () => startRuntimeProcess('cli/main.ts', env, cleanups, { args: ['connector', 'email', '--dir', dir, '--data', join(dir, 'data')], ready: 'Ctrl-C stops' });
    const tools = createToolClient({ bus, timeoutMs: 10_000 });
    const send: ToolCall = { v: 1, tool: 'email.send', args: { to: ['jordan@acme.example'], subject: 'Renewal', body: 'Shall we sign?' }, coworkerId: 'ava', runId: 'run-1', idempotencyKey: 'approval:apr-1' };

    let connector = await start();
    expect(connector.output()).toContain('serving email.send, email.draft, email.listDrafts');
    const first = await tools.call(send);
    expect(first).toMatchObject({ replayed: false, result: { accepted: ['jordan@acme.example'] } });

    await stopRuntimeProcess(connector, 'SIGKILL');
    connector = await start();
    await expect(tools.call(send)).resolves.toEqual({ result: first.result, replayed: true });
    await expect(tools.call({ ...send, idempotencyKey: 'approval:apr-2' })).resolves.toMatchObject({ replayed: false });
    await waitFor(async () => smtp.received.length === 2, 'two mails');
    expect(new Set(smtp.received.map((mail) => mail.parsed.messageId)).size).toBe(2);

    // On the bus, without the runtime: otto is not granted email.send, and mallory is nobody.
    await expect(tools.call({ ...send, coworkerId: 'otto', idempotencyKey: 'k-otto' })).rejects.toMatchObject({ code: 'TOOL_NOT_GRANTED' });
    await expect(tools.call({ ...send, coworkerId: 'mallory', idempotencyKey: 'k-mallory' })).rejects.toMatchObject({ code: 'TOOL_NOT_GRANTED' });
    expect(smtp.received).toHaveLength(2);
    await stopRuntimeProcess(connector, 'SIGTERM');
  });
});
