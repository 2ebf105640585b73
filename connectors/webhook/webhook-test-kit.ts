// What the webhook tests share: deps for `webhookFactory.create` on a real in-memory store with
// secrets from a map, a tool call, and a local node:http server that records what it receives.
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { CoworkersError, type ToolCall } from '../../protocol/index.ts';
import { createSqliteStore } from '../../persistence/index.ts';
import type { ConnectorDeps } from '../connector-deps.ts';

export const silentLogger = pino({ level: 'silent' });

export function createTestDeps(secrets: Record<string, string>, now: () => number = Date.now): ConnectorDeps & { close(): Promise<void> } {
  const store = createSqliteStore({ path: ':memory:' });
  return {
    documents: store.documents,
    secret(name) {
      const value = secrets[name];
      if (value === undefined) throw new CoworkersError('CONFIG_INVALID', `The secret ${name} is not set.`);
      return value;
    },
    baseDir: process.cwd(),
    dataDir: process.cwd(),
    logger: silentLogger,
    now,
    onClose: () => {},
    close: () => store.close(),
  };
}

export function toolCall(tool: string, args: Record<string, unknown>, idempotencyKey: string = crypto.randomUUID()): ToolCall {
  return { v: 1, tool, args, coworkerId: 'ava', runId: 'run-1', idempotencyKey };
}

export interface ReceivedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface RecordingServer {
  url: string;
  received: ReceivedRequest[];
  /** What it answers next: a status and a body. */
  answer: { status: number; body: string };
  close(): Promise<void>;
}

export async function startRecordingServer(): Promise<RecordingServer> {
  const recording: Omit<RecordingServer, 'url' | 'close'> = { received: [], answer: { status: 200, body: '{"ok":true}' } };
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    recording.received.push({ method: req.method!, url: req.url!, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
    res.writeHead(recording.answer.status, { 'Content-Type': 'application/json' }).end(recording.answer.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(recording, {
    url: `http://127.0.0.1:${port}/receive`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  });
}
