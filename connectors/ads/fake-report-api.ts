// For the tests: a local HTTP server that records each request and answers it the way a test
// says, standing in for the Google Ads and Meta reporting APIs.
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface FakeAnswer {
  status?: number;
  body: unknown;
}

export interface FakeReportApi {
  /** http://127.0.0.1:<port> */
  url: string;
  requests: RecordedRequest[];
  /** Changes the answers from now on. */
  answerWith(answer: (request: RecordedRequest) => FakeAnswer): void;
  close(): Promise<void>;
}

export async function startFakeReportApi(answer: (request: RecordedRequest) => FakeAnswer): Promise<FakeReportApi> {
  const requests: RecordedRequest[] = [];
  let answerOf = answer;
  const server = createServer((incoming, response) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const url = new URL(incoming.url ?? '/', 'http://fake');
      const request = { method: incoming.method ?? 'GET', path: url.pathname, query: url.searchParams, headers: incoming.headers, body: Buffer.concat(chunks).toString('utf8') };
      requests.push(request);
      const { status = 200, body } = answerOf(request);
      response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    answerWith(next) {
      answerOf = next;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // fetch keeps connections open for reuse; close would wait for them.
        server.closeAllConnections();
      }),
  };
}
