// What the email tests share besides ../connector-test-kit.ts: deps whose data folder is a fresh
// temporary one, and a real SMTP server that records what it receives.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer, type SMTPServerAddress } from 'smtp-server';
import { testConnectorDeps, type TestConnectorDeps, type TestConnectorDepsOptions } from '../connector-test-kit.ts';
import { freePort } from '../../scripts/test-servers.ts';

/** Deps at 2026-11-23 09:00 UTC in a temporary data folder, which `close()` removes. */
export function testDeps(secrets: Record<string, string> = {}, options: TestConnectorDepsOptions = {}): TestConnectorDeps {
  const dataDir = mkdtempSync(join(tmpdir(), 'coworkers-email-'));
  const deps = testConnectorDeps({ secrets, baseDir: dataDir, dataDir, now: () => Date.parse('2026-11-23T09:00:00Z'), ...options });
  deps.onClose(async () => rmSync(dataDir, { recursive: true, force: true }));
  return deps;
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
