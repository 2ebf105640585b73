// The HTTP side of the Teams app, on node:http: the SDK registers its /api/messages route here
// and checks each request's token; this server reads at most 1 MB of JSON and can listen on a
// free port (the SDK's own start() turns port 0 into 3978).
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { IHttpServerAdapter, HttpRouteHandler } from '@microsoft/teams.apps';

const MAX_BODY_BYTES = 1_000_000;

async function readJson(request: IncomingMessage): Promise<{ body: unknown } | { error: string }> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) return { error: 'request body over 1 MB' };
    chunks.push(chunk);
  }
  try {
    return { body: JSON.parse(Buffer.concat(chunks).toString('utf8')) };
  } catch {
    return { error: 'request body is not JSON' };
  }
}

export interface TeamsHttp extends IHttpServerAdapter {
  listen(port: number, host?: string): Promise<number>;
  close(): Promise<void>;
}

export function createTeamsHttp(): TeamsHttp {
  const routes = new Map<string, HttpRouteHandler>();
  const server: Server = createServer((request, response) => {
    const send = (status: number, body?: unknown) => {
      response.writeHead(status, body === undefined ? {} : { 'content-type': 'application/json' });
      response.end(body === undefined ? undefined : JSON.stringify(body));
    };
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    const handler = routes.get(`${request.method} ${path}`);
    if (!handler) return send(404, { error: `nothing at ${request.method} ${path}; Teams posts to /api/messages` });
    void readJson(request)
      .then(async (read) => {
        if ('error' in read) return send(400, { error: read.error });
        const result = await handler({ body: read.body, headers: request.headers as Record<string, string | string[]> });
        send(result.status, result.body);
      })
      .catch(() => send(500, { error: 'internal error' }));
  });
  return {
    registerRoute(method, path, handler) {
      routes.set(`${method} ${path}`, handler);
    },
    listen: (port, host) =>
      new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => resolve((server.address() as AddressInfo).port));
      }),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
