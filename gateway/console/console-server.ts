// The web console's HTTP server (node:http): the page's static files, and the JSON API behind
// the session cookie (a server-side session), with live events from the bus as server-sent
// events. Every signed-in route declares who may call it (`access`, route.ts), checked here.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { Bus } from '../../messaging/index.ts';
import type { Store } from '../../persistence/index.ts';
import { CoworkersError, personId, type CoworkerDefinition, type Signer } from '../../protocol/index.ts';
import { accessOf, notAllowed, type Access } from './access.ts';
import { createRefusalAudit } from './console-audit.ts';
import { createEventStreams } from './event-stream.ts';
import { asHttpError, errorBody, HttpError, sendJson } from './http.ts';
import { startLiveFeed } from './live-feed.ts';
import { generatePassword, hashPassword } from './passwords.ts';
import type { AccessRule, ConsoleDeps, ConsoleUser, Route, RouteRequest } from './route.ts';
import { approvalRoutes } from './routes-approvals.ts';
import { assignRoutes } from './routes-assign.ts';
import { auditRoutes } from './routes-audit.ts';
import { crewRoutes } from './routes-crew.ts';
import { sessionRoutes } from './routes-session.ts';
import { statechartRoutes } from './routes-statechart.ts';
import { oidcRoutes, oidcSignInOf, type OidcOptions } from './routes-oidc.ts';
import { taskRoutes } from './routes-tasks.ts';
import { createSessions, sessionCookieValue } from './sessions.ts';
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
  /** Keys the OpenID Connect sign-in's state cookie (oidc.ts); give every console process the same one. Sessions need none: they are kept in the store. */
  secret?: string;
  /** Mark the session cookie `Secure`: people reach the console over https (COWORKERS_PUBLIC_URL is https). */
  secureCookies?: boolean;
  /** Sign-in with OpenID Connect beside the passwords (routes-oidc.ts); the provider is discovered on first use. */
  oidc?: OidcOptions;
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

/** Expired sessions are deleted this often by every console process (FerretDB has no TTL indexes). */
const SWEEP_EVERY_MS = 10 * 60_000;

export const ROUTES: Route[] = [
  ...sessionRoutes,
  ...oidcRoutes,
  ...crewRoutes,
  ...statechartRoutes,
  ...approvalRoutes,
  ...auditRoutes,
  ...taskRoutes,
  ...assignRoutes,
  {
    method: 'GET',
    path: /^\/api\/events$/,
    // Only events of coworkers the person may see; closed once the session ends.
    access: 'filtered',
    async handle(deps, { request, response, session, user, access }) {
      deps.streams.open(request, response, { user, sessionId: session.id, sessionEndsAt: session.expiresAt, canSee: (id) => access.canSeeId(id) });
    },
  },
];

async function signInUsers(users: SignInUser[], logger: Logger): Promise<ConsoleDeps['users']> {
  const byLogin: ConsoleDeps['users'] = new Map();
  for (const user of users) {
    const { login, passwordHash, password } = user;
    const hash = passwordHash ?? (password !== undefined ? await hashPassword(password) : undefined);
    if (hash) byLogin.set(login, { user: accountOf(user), passwordHash: hash });
    else logger.warn({ login }, `console user ${login} has no passwordHash and cannot sign in: add one to users.yaml`);
  }
  return byLogin;
}

function accountOf(user: SignInUser): ConsoleUser {
  return { login: user.login, name: user.name, id: personId(user), admin: user.role === 'admin' };
}

export async function startConsoleServer(options: ConsoleServerOptions): Promise<ConsoleServer> {
  const now = options.now ?? Date.now;
  const logger = options.logger.child({ component: 'console' });
  const sessions = createSessions({ documents: options.store.documents, now });
  const users = await signInUsers(options.users, logger);
  const people = options.people ?? { users: options.users, teams: null };
  const decoyHash = await hashPassword(generatePassword());
  const feed = await startLiveFeed(options.bus, logger);
  const definitions = async (): Promise<CoworkerDefinition[]> => (await options.store.loadCoworkers()).map((record) => record.definition);
  const streams = createEventStreams(feed, now, {
    isLive: (id) => sessions.isLive(id),
    async visibility(signedIn) {
      const coworkers = await definitions();
      return new Map(signedIn.map((user) => [user.login, (id: string) => accessOf(people, user, coworkers).canSeeId(id)]));
    },
    onError: (error) => logger.warn({ err: error }, 'console could not check its live streams\' sessions; trying again in a second'),
  });
  const deps: ConsoleDeps = {
    bus: options.bus,
    store: options.store,
    logger,
    now,
    users,
    decoyHash,
    accounts: new Map(options.users.map((user) => [user.login, accountOf(user)])),
    sessions,
    secureCookies: options.secureCookies ?? false,
    oidc: oidcSignInOf(options, now),
    refusals: createRefusalAudit({ store: options.store, logger, now }),
    limiter: createSignInLimiter(now),
    feed,
    streams,
    people,
    signer: options.signer,
  };
  const sweep = () => void sessions.sweep().catch((error: unknown) => logger.warn({ err: error }, 'console could not delete expired sessions; trying again later'));
  const sweeper = setInterval(sweep, SWEEP_EVERY_MS);
  sweeper.unref();

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
    clearInterval(sweeper);
    streams.closeAll();
    await feed.stop();
    throw new CoworkersError('CONFIG_INVALID', `The console cannot listen on ${host}:${options.port}: ${error.message}`, {
      hint: 'another process may use that port: stop it, or give the console another port',
      cause: error,
    });
  });
  const { port, address } = server.address() as AddressInfo;
  const url = `http://${address.includes(':') ? `[${address}]` : address}:${port}/`;
  logger.info({ url, users: deps.users.size }, 'console listening');
  sweep();

  return {
    port,
    url,
    async close() {
      clearInterval(sweeper);
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
  if (!url.pathname.startsWith('/api/') && !url.pathname.startsWith('/auth/')) throw new HttpError(404, 'NOT_FOUND', `Nothing at ${url.pathname}.`);
  if (request.method !== 'GET') assertSameOrigin(request);

  const matched = findRoute(request.method ?? 'GET', url.pathname);
  const routeRequest: RouteRequest = { request, response, url, params: [], address: request.socket.remoteAddress ?? 'unknown' };
  const matchedRoute = matched?.route;
  if (matchedRoute?.public) return sendJson(response, await matchedRoute.handle(deps, routeRequest));

  // Everything else needs a session, even to learn that a path does not exist.
  const cookie = sessionCookieValue(request.headers.cookie);
  const session = cookie ? await deps.sessions.verify(cookie) : null;
  const user: ConsoleUser | undefined = session ? deps.accounts.get(session.login) : undefined;
  const what = `${request.method} ${url.pathname}`;
  if (!session || !user) {
    // A cookie that names no live session: ended (signed out, or by an admin), expired, or made up.
    if (cookie) {
      await deps.refusals.refused(`address:${routeRequest.address}`, {
        by: 'unknown',
        summary: `A request with an ended, expired or unknown session was refused: ${what}`,
        detail: { address: routeRequest.address, request: what, status: 401 },
      });
    }
    throw new HttpError(401, 'NOT_SIGNED_IN', 'Sign in first.', { hint: 'POST /api/session with { login, password }' });
  }
  if (!matched || !matchedRoute) throw new HttpError(404, 'NOT_FOUND', `No API route ${what}.`);
  const route = matchedRoute;
  try {
    const params = decodeParams(matched.params, url.pathname);
    const coworkers = (await deps.store.loadCoworkers()).map((record) => record.definition);
    const access = accessOf(deps.people, user, coworkers);
    checkRule(route.access, access, params[0], coworkers);
    const reply = await route.handle(deps, { ...routeRequest, params, user, session, access });
    if (reply) sendJson(response, reply);
  } catch (error) {
    if (error instanceof HttpError && error.status === 403) {
      await deps.refusals.refused(`person:${user.id}`, { by: user.id, summary: `${user.name} was refused ${what}: ${error.message}`, detail: { login: user.login, request: what, code: error.code, status: 403 } });
    }
    throw error;
  }
}

/** The route's rule, before its handler runs: admins only, or a coworker (the path's first part) the person may see, task or assign. */
function checkRule(rule: AccessRule, access: Access, coworkerId: string | undefined, coworkers: CoworkerDefinition[]): void {
  if (rule === 'signed-in' || rule === 'filtered') return;
  if (rule === 'admin') {
    if (!access.admin) throw notAllowed(access.user, 'do this: only admins may', 'An admin is "role: admin" in users.yaml.');
    return;
  }
  const coworker = coworkers.find((candidate) => candidate.id === coworkerId);
  if (!coworker) throw new CoworkersError('COWORKER_NOT_FOUND', `There is no coworker "${coworkerId}".`, { hint: 'GET /api/crew lists them.' });
  if (!access.canSee(coworker)) throw notAllowed(access.user, `see ${coworker.id}: it is on team ${coworker.team}, not one of theirs`);
  if (rule === 'task-coworker' && !access.canTask(coworker)) throw notAllowed(access.user, `give ${coworker.name} a task: only its manager, a manager of team ${coworker.team} or an admin may`);
  if (rule === 'assign-coworker' && !access.canAssign(coworker)) throw notAllowed(access.user, `assign ${coworker.name}: only its manager may`);
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
