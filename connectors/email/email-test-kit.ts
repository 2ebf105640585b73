// What the email tests share: connector deps on a real in-memory store, a real SMTP server that
// records what it receives, and a wait-for loop instead of fixed sleeps.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser, type ParsedMail } from 'mailparser';
import { pino } from 'pino';
import { SMTPServer, type SMTPServerAddress } from 'smtp-server';
import { CoworkersError, type ToolCall } from '../../protocol/index.ts';
import { createSqliteStore } from '../../persistence/index.ts';
import type { ConnectorDeps } from '../connector-deps.ts';
import { freePort } from '../../scripts/test-servers.ts';

export const silentLogger = pino({ level: 'silent' });

export interface TestDeps extends ConnectorDeps {
  /** Runs what the connector registered with onClose, and removes the data folder. */
  cleanup(): Promise<void>;
}

export function testDeps(secrets: Record<string, string> = {}, overrides: Partial<ConnectorDeps> = {}): TestDeps {
  const store = createSqliteStore({ path: ':memory:' });
  const dataDir = mkdtempSync(join(tmpdir(), 'coworkers-email-'));
  const closers: Array<() => Promise<void>> = [];
  return {
    documents: store.documents,
    secret(name) {
      const value = secrets[name];
      if (value === undefined) throw new CoworkersError('CONFIG_INVALID', `The secret ${name} is not set.`);
      return value;
    },
    baseDir: dataDir,
    dataDir,
    logger: silentLogger,
    now: () => Date.parse('2026-11-23T09:00:00Z'),
    onClose: (close) => void closers.push(close),
    async cleanup() {
      for (const close of closers) await close();
      await store.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
    ...overrides,
  };
}

export function toolCall(tool: string, args: Record<string, unknown>, fields: Partial<ToolCall> = {}): ToolCall {
  return { v: 1, tool, args, coworkerId: 'ava', runId: 'run-1', idempotencyKey: crypto.randomUUID(), ...fields };
}

export interface ReceivedBySmtp {
  mailFrom: string;
  rcptTo: string[];
  user: string | undefined;
  raw: string;
  parsed: ParsedMail;
}

export interface TestSmtpServer {
  port: number;
  received: ReceivedBySmtp[];
  close(): Promise<void>;
}

export interface TestSmtpServerOptions {
  /** When set, the server wants this login. */
  login?: { user: string; pass: string };
  /** Recipients the server refuses with 550. */
  refuse?: string[];
}

/** A real SMTP server (smtp-server) on a free loopback port, recording each mail it accepts. */
export async function startTestSmtpServer(options: TestSmtpServerOptions = {}): Promise<TestSmtpServer> {
  const received: ReceivedBySmtp[] = [];
  const { login } = options;
  const server = new SMTPServer({
    disabledCommands: login ? ['STARTTLS'] : ['STARTTLS', 'AUTH'],
    allowInsecureAuth: true,
    logger: false,
    disableReverseLookup: true,
    onAuth(auth, _session, callback) {
      if (login && auth.username === login.user && auth.password === login.pass) return callback(null, { user: auth.username });
      callback(Object.assign(new Error('Authentication credentials invalid'), { responseCode: 535 }));
    },
    onRcptTo(address: SMTPServerAddress, _session, callback) {
      if (options.refuse?.includes(address.address)) return callback(Object.assign(new Error(`No such user ${address.address}`), { responseCode: 550 }));
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks);
        simpleParser(raw).then((parsed) => {
          const mailFrom = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
          received.push({ mailFrom, rcptTo: session.envelope.rcptTo.map((rcpt) => rcpt.address), user: session.user, raw: raw.toString(), parsed });
          callback();
        }, callback);
      });
    },
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { port, received, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** Polls `check` until it returns something other than undefined, or fails after `timeoutMs`. */
export async function waitFor<T>(check: () => T | undefined, what: string, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
