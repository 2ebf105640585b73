// The local control API of an embedded `coworkers up`: HTTP on a unix socket in the data
// folder, so `coworkers list` and `send` in the same folder reach the running process.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { rmSync } from 'node:fs';
import { connect } from 'node:net';
import { dirname } from 'node:path';
import type { Logger } from 'pino';
import type { Bus } from '../messaging/index.ts';
import type { Store } from '../persistence/index.ts';
import { CoworkersError, isCoworkersError } from '../protocol/index.ts';
import { assignTask, listCoworkers } from './coworker-commands.ts';

export interface ControlServerOptions {
  socketPath: string;
  bus: Bus;
  store: Store;
  logger: Logger;
  now?: () => number;
}

const MAX_BODY_BYTES = 64 * 1024;

async function readJson(request: IncomingMessage): Promise<unknown> {
  let body = '';
  for await (const chunk of request) {
    body += chunk;
    if (body.length > MAX_BODY_BYTES) throw new CoworkersError('COMMAND_INVALID', 'request body too large');
  }
  try {
    return JSON.parse(body);
  } catch {
    throw new CoworkersError('COMMAND_INVALID', 'request body is not JSON');
  }
}

function socketAnswers(socketPath: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(socketPath);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

export async function startControlServer(options: ControlServerOptions): Promise<{ close(): Promise<void> }> {
  const { bus, store, logger } = options;
  const now = options.now ?? Date.now;
  const server: Server = createServer(async (request, response) => {
    const reply = (status: number, body: unknown) => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(body));
    };
    try {
      const taskPath = /^\/coworkers\/([^/]+)\/tasks$/.exec(request.url ?? '');
      if (request.method === 'GET' && request.url === '/coworkers') return reply(200, await listCoworkers(store));
      if (request.method === 'POST' && taskPath) {
        const body = (await readJson(request)) as { text?: unknown; requestedBy?: unknown };
        const command = await assignTask(
          { bus, store, now },
          { coworkerId: decodeURIComponent(taskPath[1]!), text: String(body.text ?? ''), requestedBy: String(body.requestedBy ?? 'cli') },
        );
        return reply(202, command);
      }
      reply(404, { code: 'COMMAND_INVALID', message: `no route ${request.method} ${request.url}`, retryable: false });
    } catch (error) {
      if (isCoworkersError(error)) return reply(error.code === 'COWORKER_NOT_FOUND' ? 404 : 400, error.toJSON());
      logger.error({ err: error }, 'control request failed');
      reply(500, { code: 'INTERNAL', message: 'internal error; see the runtime log', retryable: true });
    }
  });
  if (await socketAnswers(options.socketPath)) {
    throw new CoworkersError('ALREADY_RUNNING', `A "coworkers up" is already running with its data in ${dirname(options.socketPath)}.`, {
      hint: 'Stop it first, or give this one another folder with --data.',
    });
  }
  rmSync(options.socketPath, { force: true }); // left behind by a process that was killed
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.socketPath, resolve);
  });
  return {
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
