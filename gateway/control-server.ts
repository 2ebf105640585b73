// The local control API of an embedded `coworkers up`: HTTP on a unix socket in the data
// folder, so `coworkers list`, `send`, `approvals`, `approve`, `reject` and `audit` in the same
// folder reach the running process.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { rmSync } from 'node:fs';
import { connect } from 'node:net';
import { dirname } from 'node:path';
import type { Logger } from 'pino';
import { readDeadLetters, type Bus } from '../messaging/index.ts';
import type { Store } from '../persistence/index.ts';
import { CoworkersError, isCoworkersError, type Signer } from '../protocol/index.ts';
import { assignTask, listCoworkers } from './coworker-commands.ts';
import { decideApproval, listApprovals, readAudit, type DecisionRequest } from './approval-commands.ts';
import { reassignTask } from './task-commands.ts';
import { assignCoworker } from './assign-commands.ts';
import { loadPeople } from './people.ts';

export interface ControlServerOptions {
  socketPath: string;
  bus: Bus;
  store: Store;
  logger: Logger;
  now?: () => number;
  /** The `up` process's key: what the CLI asks here is the operator's act, signed as such. */
  signer: Signer;
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
  const { bus, store, logger, signer } = options;
  const now = options.now ?? Date.now;
  const server: Server = createServer(async (request, response) => {
    const reply = (status: number, body: unknown) => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(body));
    };
    try {
      const url = new URL(request.url ?? '/', 'http://control');
      const taskPath = /^\/coworkers\/([^/]+)\/tasks$/.exec(url.pathname);
      const auditPath = /^\/coworkers\/([^/]+)\/audit$/.exec(url.pathname);
      const decisionPath = /^\/approvals\/([^/]+)\/decision$/.exec(url.pathname);
      const reassignPath = /^\/coworkers\/([^/]+)\/tasks\/([^/]+)\/reassign$/.exec(url.pathname);
      const assignmentPath = /^\/coworkers\/([^/]+)\/assignment$/.exec(url.pathname);
      if (request.method === 'GET' && url.pathname === '/coworkers') return reply(200, await listCoworkers(store));
      if (request.method === 'GET' && url.pathname === '/approvals') return reply(200, await listApprovals(store));
      if (request.method === 'GET' && url.pathname === '/dead-letters') {
        const since = url.searchParams.get('since');
        return reply(200, await readDeadLetters(bus, since ? { since: Number(since) } : {}));
      }
      if (request.method === 'POST' && reassignPath) {
        const body = (await readJson(request)) as { to?: unknown; by?: unknown };
        const move = { coworkerId: decodeURIComponent(reassignPath[1]!), taskId: decodeURIComponent(reassignPath[2]!), to: String(body.to ?? ''), by: String(body.by ?? 'cli') };
        return reply(200, await reassignTask({ bus, store, now, signer }, move));
      }
      if (request.method === 'POST' && decisionPath) {
        const body = (await readJson(request)) as Omit<DecisionRequest, 'approvalId'>;
        return reply(200, await decideApproval({ bus, store, now, signer }, { ...body, approvalId: decodeURIComponent(decisionPath[1]!) }));
      }
      if (request.method === 'POST' && assignmentPath) {
        // The CLI names the folder of its users.yaml and teams.yaml; the socket is the operator's own.
        const body = (await readJson(request)) as { team?: string; manager?: string; by?: string; dir?: string };
        const people = await loadPeople(String(body.dir ?? '.'));
        const assignment = { coworkerId: decodeURIComponent(assignmentPath[1]!), by: String(body.by ?? 'cli'), ...(body.team !== undefined ? { team: String(body.team) } : {}), ...(body.manager !== undefined ? { manager: String(body.manager) } : {}) };
        return reply(200, await assignCoworker({ bus, store, now, signer }, people, assignment));
      }
      if (request.method === 'GET' && auditPath) {
        const [run, job, from] = ['run', 'job', 'from'].map((name) => url.searchParams.get(name));
        const query = { coworkerId: decodeURIComponent(auditPath[1]!), ...(run ? { runId: run } : {}), ...(job ? { jobId: job } : {}), ...(from ? { from: Number(from) } : {}) };
        return reply(200, await readAudit(store, query));
      }
      if (request.method === 'POST' && taskPath) {
        const body = (await readJson(request)) as { text?: unknown; requestedBy?: unknown; jobId?: unknown };
        const command = await assignTask(
          { bus, store, now },
          {
            coworkerId: decodeURIComponent(taskPath[1]!),
            text: String(body.text ?? ''),
            requestedBy: String(body.requestedBy ?? 'cli'),
            ...(typeof body.jobId === 'string' ? { jobId: body.jobId } : {}),
          },
        );
        return reply(202, command);
      }
      reply(404, { code: 'COMMAND_INVALID', message: `no route ${request.method} ${request.url}`, retryable: false });
    } catch (error) {
      if (isCoworkersError(error)) return reply(['COWORKER_NOT_FOUND', 'APPROVAL_NOT_FOUND'].includes(error.code) ? 404 : 400, error.toJSON());
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
