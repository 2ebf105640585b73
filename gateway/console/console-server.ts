// The web console's HTTP server (node:http): the page's static files, and the JSON API behind
// the session cookie, with live events from the bus as server-sent events.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { Bus } from '../../messaging/index.ts';
import type { Store } from '../../persistence/index.ts';
import { CoworkersError, personId, type Signer } from '../../protocol/index.ts';
import { createEventStreams } from './event-stream.ts';
import { asHttpError, errorBody, HttpError, sendJson } from './http.ts';
import { startLiveFeed } from './live-feed.ts';
import { generatePassword, hashPassword } from './passwords.ts';
import type { ConsoleDeps, ConsoleUser, Route, RouteRequest } from './route.ts';
import { approvalRoutes } from './routes-approvals.ts';
import { assignRoutes } from './routes-assign.ts';
import { auditRoutes } from './routes-audit.ts';
import { crewRoutes } from './routes-crew.ts';
import { sessionRoutes } from './routes-session.ts';
import { statechartRoutes } from './routes-statechart.ts';
import { taskRoutes } from './routes-tasks.ts';
import { createSessionSigner, sessionCookieValue } from './sessions.ts';
import { createSignInLimiter } from './sign-in-limiter.ts';
import { sendStaticFile, staticFileOf } from './static-files.ts';
import type { SignInUser } from './users.ts';
import type { People } from '../people.ts';

export interface ConsoleServerOptions {
  bus: Bus;
  store: Store;
  /** Who may sign in: each needs a passwordHash or a (one-time) password; others are skipped with a warning. */
  users: SignInUser[];
  /** 0 picks a free port. */
  port: number;
  host?: string;
  /** Signs session cookies; give every console process of a deployment the same one. Random per process when left out. */
  secret?: string;
  logger: Logger;
  now?: () => number;
  /** Teams (teams.yaml) and the people who may become managers (users.yaml, with an email); the sign-in users and no teams when left out. */
  people?: People;
  /** Signs the decisions and assignments of the people signed in here: the runtime trusts its key as a gateway's. */
  signer: Signer;
}

export interface ConsoleServer {
  port: number;
  url: string;
  close(): Promise<void>;
}

const ROUTES: Route[] = [
  ...sessionRoutes,
  ...crewRoutes,
  ...statechartRoutes,
  ...approvalRoutes,
  ...auditRoutes,
  ...taskRoutes,
  ...assignRoutes,
  {
    method: 'GET',
    path: /^\/api\/events$/,
    async handle(deps, { request, response, session }) {
      deps.streams.open(request, response, session.expiresAt);
    },
  },
];

async function signInUsers(users: SignInUser[], logger: Logger): Promise<ConsoleDeps['users']> {
  const byLogin: ConsoleDeps['users'] = new Map();
  for (const user of users) {
    const { login, name, passwordHash, password } = user;
    const hash = passwordHash ?? (password !== undefined ? await hashPassword(password) : undefined);
    if (hash) byLogin.set(login, { user: { login, name, id: personId(user) }, passwordHash: hash });
    else logger.warn({ login }, `console user ${login} has no passwordHash and cannot sign in: add one to users.yaml`);
  }
  return byLogin;
}

export async function startConsoleServer(options: ConsoleServerOptions): Promise<ConsoleServer> {
  const now = options.now ?? Date.now;
  const logger = options.logger.child({ component: 'console' });
  const sessions = createSessionSigner({ ...(options.secret !== undefined ? { secret: options.secret } : {}), now });
  const users = await signInUsers(options.users, logger);
  const decoyHash = await hashPassword(generatePassword());
  const feed = await startLiveFeed(options.bus, logger);
  const deps: ConsoleDeps = {
    bus: options.bus,
    store: options.store,
    logger,
    now,
    users,
    decoyHash,
    sessions,
    limiter: createSignInLimiter(now),
    feed,
    streams: createEventStreams(feed, now),
    people: options.people ?? { users: options.users, teams: null },
    signer: options.signer,
  };

  const server = createServer((request, response) => {
    handle(deps, request, response).catch((error: unknown) => {
      const known = asHttpError(error);
      if (!known) logger.error({ err: error, method: request.method, path: request.url?.split('?')[0] }, 'console request failed');
      if (response.headersSent) return void response.destroy();
      const answer = known ?? new HttpError(500, 'INTERNAL', 'Something went wrong on the server; the runtime log says what.');
      sendJson(response, { status: answer.status, body: errorBody(answer), headers: answer.headers });
    });
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => {
      server.off('error', reject);
      resolve();
    });
  }).catch(async (error: Error) => {
    await feed.stop();
    throw new CoworkersError('CONFIG_INVALID', `The console cannot listen on ${host}:${options.port}: ${error.message}`, {
      hint: 'another process may use that port: stop it, or give the console another port',
      cause: error,
    });
  });
  const { port, address } = server.address() as AddressInfo;
  const url = `http://${address.includes(':') ? `[${address}]` : address}:${port}/`;
  logger.info({ url, users: deps.users.size }, 'console listening');

  return {
    port,
    url,
    async close() {
      deps.streams.closeAll();
      await feed.stop();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

async function handle(deps: ConsoleDeps, request: IncomingMessage, response: ServerResponse): Promise<void> {
  let url: URL;
  try {
    url = new URL(request.url ?? '/', 'http://console');
  } catch {
    throw new HttpError(400, 'BAD_REQUEST', 'The request path is not a valid URL.');
  }
  const file = request.method === 'GET' ? staticFileOf(url.pathname) : null;
  if (file) return sendStaticFile(response, file, url.pathname);
  if (!url.pathname.startsWith('/api/')) throw new HttpError(404, 'NOT_FOUND', `Nothing at ${url.pathname}.`);
  if (request.method !== 'GET') assertSameOrigin(request);

  const matched = findRoute(request.method ?? 'GET', url.pathname);
  const routeRequest: RouteRequest = { request, response, url, params: [], address: request.socket.remoteAddress ?? 'unknown' };
  if (matched?.route.public) return sendJson(response, await matched.route.handle(deps, routeRequest));

  // Everything else needs a session, even to learn that a path does not exist.
  const session = deps.sessions.verify(sessionCookieValue(request.headers.cookie) ?? '');
  const user: ConsoleUser | undefined = session ? deps.users.get(session.login)?.user : undefined;
  if (!session || !user) throw new HttpError(401, 'NOT_SIGNED_IN', 'Sign in first.', { hint: 'POST /api/session with { login, password }' });
  if (!matched) throw new HttpError(404, 'NOT_FOUND', `No API route ${request.method} ${url.pathname}.`);
  const reply = await matched.route.handle(deps, { ...routeRequest, params: decodeParams(matched.params, url.pathname), user, session });
  if (reply) sendJson(response, reply);
}

function findRoute(method: string, pathname: string): { route: Route; params: string[] } | null {
  for (const route of ROUTES) {
    const match = route.method === method ? route.path.exec(pathname) : null;
    if (match) return { route, params: match.slice(1) };
  }
  return null;
}

function decodeParams(params: string[], pathname: string): string[] {
  try {
    return params.map((part) => decodeURIComponent(part));
  } catch {
    throw new HttpError(400, 'BAD_REQUEST', `The path ${pathname} is not correctly URL-encoded.`);
  }
}

/** A browser always sends Origin with a POST or DELETE; one from another site is refused (SameSite already keeps the cookie from it). */
function assertSameOrigin(request: IncomingMessage): void {
  const origin = request.headers.origin;
  if (origin === undefined) return;
  let host: string | null = null;
  try {
    host = new URL(origin).host;
  } catch {
    // a malformed or "null" origin is not ours
  }
  if (host !== request.headers.host) throw new HttpError(403, 'CROSS_ORIGIN', 'Requests from other sites are refused.');
}
