// What the webhook tests share besides ../connector-test-kit.ts: a local node:http server that
// records what it receives.
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

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
