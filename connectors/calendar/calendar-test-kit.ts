// What the calendar tests share besides ../connector-test-kit.ts: deps with a clock the test
// moves, and a local node:http server serving ICS text like a calendar feed.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Documents } from '../../persistence/index.ts';
import { testConnectorDeps, type TestConnectorDeps } from '../connector-test-kit.ts';

export interface TestDeps extends TestConnectorDeps {
  /** Moves the clock `now()` reads. */
  setNow(at: number): void;
}

export function createTestDeps(options: { documents: Documents; baseDir: string; now: number; secrets?: Record<string, string> }): TestDeps {
  let now = options.now;
  const deps = testConnectorDeps({ secrets: options.secrets, documents: options.documents, baseDir: options.baseDir, dataDir: options.baseDir, now: () => now });
  return Object.assign(deps, { setNow: (at: number) => void (now = at) });
}

export interface FeedServer extends AsyncDisposable {
  url: string;
  /** What the feed answers from now on. */
  serve(answer: { status?: number; body?: string }): void;
  /** The paths requested so far. */
  readonly requests: string[];
}

export async function startFeedServer(body: string): Promise<FeedServer> {
  let answer: { status: number; body: string } = { status: 200, body };
  const requests: string[] = [];
  const server: Server = createServer((request, response) => {
    requests.push(request.url ?? '');
    response.writeHead(answer.status, { 'content-type': 'text/calendar; charset=utf-8' });
    response.end(answer.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    serve: (next) => void (answer = { status: next.status ?? 200, body: next.body ?? '' }),
    requests,
    async [Symbol.asyncDispose]() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** Waits until `condition` holds, checking every few milliseconds; fails after `timeoutMs`. */
export async function waitFor(condition: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
