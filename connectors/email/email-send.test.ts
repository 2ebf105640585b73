// email.send against a real SMTP server (smtp-server) and into the outbox folder.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from '../../scripts/test-servers.ts';
import type { CoworkersError } from '../../protocol/index.ts';
import { messageIdFor } from './email-sender.ts';
import { emailFactory } from './email.connector.ts';
import { toolCall } from '../connector-test-kit.ts';
import { startTestSmtpServer, testDeps, type TestSmtpServer } from './email-test-kit.ts';

const FROM = 'Ava (Acme) <ava@acme.test>';
const mail = { to: ['agency@example.com'], cc: ['boss@acme.test'], subject: 'Weekly ad report', body: 'Spend is up 4%.\nCPC is flat.' };

let cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of cleanup.reverse()) await close();
  cleanup = [];
});

async function smtpServer(options?: Parameters<typeof startTestSmtpServer>[0]): Promise<TestSmtpServer> {
  const server = await startTestSmtpServer(options);
  cleanup.push(server.close);
  return server;
}

async function emailConnector(settings: Record<string, unknown>, secrets: Record<string, string> = {}) {
  const deps = testDeps(secrets);
  cleanup.push(deps.close);
  const [connector] = [await emailFactory.create(emailFactory.settings.parse({ from: FROM, ...settings }), deps)].flat();
  return { connector: connector!, deps };
}

describe('email.send through SMTP', () => {
  it('delivers to every recipient with the subject, body, sender and headers, logging in', async () => {
    const server = await smtpServer({ login: { user: 'ava', pass: 's3cret-pw' } });
    const { connector } = await emailConnector(
      { smtp: { host: '127.0.0.1', port: server.port, user: 'ava', passwordEnv: 'SMTP_PASSWORD' } },
      { SMTP_PASSWORD: 's3cret-pw' },
    );

    const { result, replayed } = await connector.call(toolCall('email.send', mail, { idempotencyKey: 'approval-42', coworkerId: 'ava' }));

    expect(replayed).toBe(false);
    expect(result).toMatchObject({ messageId: messageIdFor('approval-42', FROM), accepted: ['agency@example.com', 'boss@acme.test'], rejected: [] });
    expect(JSON.stringify(result)).not.toContain('s3cret-pw');
    const [received] = server.received;
    expect(server.received).toHaveLength(1);
    expect(received).toMatchObject({ user: 'ava', mailFrom: 'ava@acme.test', rcptTo: ['agency@example.com', 'boss@acme.test'] });
    expect(received!.parsed.subject).toBe('Weekly ad report');
    expect(received!.parsed.text?.trim()).toBe('Spend is up 4%.\nCPC is flat.');
    expect(received!.parsed.from?.text).toBe('"Ava (Acme)" <ava@acme.test>');
    expect(received!.parsed.messageId).toBe(messageIdFor('approval-42', FROM));
    expect(received!.parsed.headers.get('x-coworker')).toBe('ava');
    expect(received!.parsed.date?.toISOString()).toBe('2026-11-23T09:00:00.000Z');
  });

  it('gives a mail the same Message-ID whenever its idempotency key is sent again, and another key another id', async () => {
    const server = await smtpServer();
    const settings = { smtp: { host: '127.0.0.1', port: server.port } };
    // Two connector instances: the second has none of the first's memory, as after a restart.
    const first = await emailConnector(settings);
    const second = await emailConnector(settings);

    await first.connector.call(toolCall('email.send', mail, { idempotencyKey: 'approval-7' }));
    await second.connector.call(toolCall('email.send', mail, { idempotencyKey: 'approval-7' }));
    await second.connector.call(toolCall('email.send', mail, { idempotencyKey: 'approval-8' }));

    const ids = server.received.map((received) => received.parsed.messageId);
    expect(ids[0]).toMatch(/^<[0-9a-f]{32}@acme\.test>$/);
    expect(ids[1]).toBe(ids[0]);
    expect(ids[2]).not.toBe(ids[0]);
  });

  it('reads the server and its login from the URL in urlEnv', async () => {
    const server = await smtpServer({ login: { user: 'ava@acme.test', pass: 'p@ss:word' } });
    const { connector } = await emailConnector(
      { smtp: { urlEnv: 'SMTP_URL' } },
      { SMTP_URL: `smtp://${encodeURIComponent('ava@acme.test')}:${encodeURIComponent('p@ss:word')}@127.0.0.1:${server.port}` },
    );

    await connector.call(toolCall('email.send', mail));

    expect(server.received.map((received) => received.user)).toEqual(['ava@acme.test']);
  });

  it('fails retryably, naming the server but not the password, when the login is refused', async () => {
    const server = await smtpServer({ login: { user: 'ava', pass: 'right-password' } });
    const { connector } = await emailConnector(
      { smtp: { host: '127.0.0.1', port: server.port, user: 'ava', passwordEnv: 'SMTP_PASSWORD' } },
      { SMTP_PASSWORD: 'wrong-password' },
    );

    const error = (await connector.call(toolCall('email.send', mail)).catch((rejection: unknown) => rejection)) as CoworkersError;

    expect(error).toMatchObject({ code: 'TOOL_FAILED', retryable: true });
    expect(error.message).toContain(`The SMTP server 127.0.0.1:${server.port} refused the login`);
    expect(error.message).toContain('535');
    expect(error.hint).toContain('SMTP_PASSWORD');
    expect(JSON.stringify(error.toJSON())).not.toContain('wrong-password');
    expect(server.received).toEqual([]);
  });

  it('fails retryably when no server answers', async () => {
    const port = await freePort();
    const { connector } = await emailConnector({ smtp: { host: '127.0.0.1', port } });

    const error = (await connector.call(toolCall('email.send', mail)).catch((rejection: unknown) => rejection)) as CoworkersError;

    expect(error).toMatchObject({ code: 'TOOL_FAILED', retryable: true });
    expect(error.message).toContain(`The SMTP server 127.0.0.1:${port} could not be reached`);
    expect(error.message).toContain('ECONNREFUSED');
  });

  it('fails without retrying when the server refuses every recipient for good', async () => {
    const server = await smtpServer({ refuse: ['nobody@example.com'] });
    const { connector } = await emailConnector({ smtp: { host: '127.0.0.1', port: server.port } });

    const error = (await connector.call(toolCall('email.send', { ...mail, to: ['nobody@example.com'], cc: undefined })).catch((rejection: unknown) => rejection)) as CoworkersError;

    expect(error).toMatchObject({ code: 'TOOL_FAILED', retryable: false });
    expect(error.message).toContain('refused the mail');
    expect(error.message).toContain('550');
    expect(server.received).toEqual([]);
  });

  it('reports the recipients the server refused when it takes the others', async () => {
    const server = await smtpServer({ refuse: ['nobody@example.com'] });
    const { connector } = await emailConnector({ smtp: { host: '127.0.0.1', port: server.port } });

    const { result } = await connector.call(toolCall('email.send', { ...mail, to: ['agency@example.com', 'nobody@example.com'], cc: undefined }));

    expect(result).toMatchObject({ accepted: ['agency@example.com'], rejected: ['nobody@example.com'] });
    expect(server.received.map((received) => received.rcptTo)).toEqual([['agency@example.com']]);
  });
});

describe('email.send into the outbox', () => {
  it('writes each mail as an .eml file in the data folder that parses back to the mail', async () => {
    const { connector, deps } = await emailConnector({ outbox: {} });

    const { result } = await connector.call(toolCall('email.send', mail, { idempotencyKey: 'approval-9' }));

    const folder = join(deps.dataDir, 'outbox');
    const [file] = readdirSync(folder);
    expect(readdirSync(folder)).toHaveLength(1);
    expect(file).toMatch(/^[0-9a-f]{12}-weekly-ad-report\.eml$/);
    expect(result).toEqual({ messageId: messageIdFor('approval-9', FROM), accepted: ['agency@example.com', 'boss@acme.test'], rejected: [], savedTo: join(folder, file!) });
    const parsed = await simpleParser(readFileSync(join(folder, file!)));
    expect(parsed.messageId).toBe(messageIdFor('approval-9', FROM));
    expect(parsed.subject).toBe('Weekly ad report');
    expect(parsed.text?.trim()).toBe('Spend is up 4%.\nCPC is flat.');
    expect(parsed.from?.text).toBe('"Ava (Acme)" <ava@acme.test>');
    expect(parsed.headers.get('x-coworker')).toBe('ava');
  });

  it('takes a folder of its own, relative to the data folder', async () => {
    const { connector, deps } = await emailConnector({ outbox: { folder: 'mail/sent' } });

    await connector.call(toolCall('email.send', mail));

    expect(readdirSync(join(deps.dataDir, 'mail', 'sent'))).toHaveLength(1);
  });
});
