// Signing in and out: POST /api/session checks the password (unknown logins and wrong passwords
// get the same answer in the same time) and starts a server-side session; DELETE /api/session
// ends it everywhere (any copy of the cookie, and its open live streams); GET /api/me.
// Admins: GET /api/sessions lists the live sessions, DELETE /api/sessions/:id ends one and
// DELETE /api/users/:login/sessions ends all of a person's. Each is in the console's audit trail.
import { z } from 'zod';
import { auditConsole } from './console-audit.ts';
import { HttpError, readJsonBody } from './http.ts';
import { verifyPassword } from './passwords.ts';
import type { ConsoleDeps, ConsoleUser, Route } from './route.ts';
import { clearedSessionCookie, SESSION_LIFETIME_MS, sessionCookie } from './sessions.ts';

const signInSchema = z.strictObject({ login: z.string().max(200), password: z.string().max(1_000) });

/** Ends sessions (by id) here and now: the store forgets them, their live streams close. */
async function endSessions(deps: ConsoleDeps, ids: string[]): Promise<string[]> {
  const ended: string[] = [];
  for (const id of ids) {
    if (await deps.sessions.end(id)) ended.push(id);
    deps.streams.closeSession(id);
  }
  return ended;
}

const short = (id: string) => id.slice(0, 12);

function auditEnded(deps: ConsoleDeps, by: ConsoleUser, login: string, ids: string[]): Promise<void> {
  const whose = login === by.login ? 'their own' : `${login}'s`;
  return auditConsole(deps, {
    kind: 'console.signed-out',
    by: by.id,
    summary: `${by.name} ended ${whose} ${ids.length === 1 ? 'session' : `${ids.length} sessions`}`,
    detail: { login, sessions: ids.map(short), endedBy: by.login },
  });
}

export const sessionRoutes: Route[] = [
  {
    method: 'POST',
    path: /^\/api\/session$/,
    public: true,
    async handle(deps, { request, address }) {
      const body = await readJsonBody(request, signInSchema);
      const login = body.login.trim().toLowerCase();
      const attempt = { login, address };
      const refused = (reason: string) =>
        deps.refusals.refused(`sign-in:${address}`, {
          by: deps.accounts.get(login)?.id ?? 'unknown',
          summary: `Sign-in refused for "${login.slice(0, 80)}": ${reason}`,
          detail: { login: login.slice(0, 200), address, via: 'password', reason },
        });
      const retryAfter = deps.limiter.retryAfterSeconds(attempt);
      if (retryAfter > 0) {
        deps.logger.warn({ login, address }, 'console sign-in refused: too many failed attempts');
        await refused('too many failed attempts');
        throw new HttpError(429, 'TOO_MANY_ATTEMPTS', 'Too many failed sign-ins. Wait a while before trying again.', { headers: { 'retry-after': String(retryAfter) } });
      }
      const known = deps.users.get(login);
      const matches = await verifyPassword(body.password, known?.passwordHash ?? deps.decoyHash);
      if (!known || !matches) {
        deps.limiter.recordFailure(attempt);
        deps.logger.warn({ login, address }, 'console sign-in refused: wrong login or password');
        await refused('wrong login or password');
        throw new HttpError(401, 'SIGN_IN_FAILED', 'Wrong login or password.');
      }
      deps.limiter.recordSuccess(login);
      const { value } = await deps.sessions.issue(login, 'password');
      await auditConsole(deps, { kind: 'console.signed-in', by: known.user.id, summary: `${known.user.name} signed in with a password`, detail: { login, address, via: 'password' } });
      return { status: 200, body: { user: known.user }, headers: { 'set-cookie': sessionCookie(value, SESSION_LIFETIME_MS, deps.secureCookies) } };
    },
  },
  {
    method: 'DELETE',
    path: /^\/api\/session$/,
    access: 'signed-in',
    async handle(deps, { user, session }) {
      await endSessions(deps, [session.id]);
      await auditConsole(deps, { kind: 'console.signed-out', by: user.id, summary: `${user.name} signed out`, detail: { login: user.login, sessions: [short(session.id)] } });
      return { status: 204, headers: { 'set-cookie': clearedSessionCookie(deps.secureCookies) } };
    },
  },
  {
    method: 'GET',
    path: /^\/api\/me$/,
    access: 'signed-in',
    async handle(_deps, { user, access }) {
      return { status: 200, body: { user, teams: access.teams } };
    },
  },
  {
    method: 'GET',
    path: /^\/api\/sessions$/,
    access: 'admin',
    async handle(deps, { session: own }) {
      const sessions = await deps.sessions.list();
      return { status: 200, body: { sessions: sessions.map((session) => ({ ...session, current: session.id === own.id })) } };
    },
  },
  {
    method: 'DELETE',
    path: /^\/api\/sessions\/([0-9a-f]{64})$/,
    access: 'admin',
    async handle(deps, { params: [id], user }) {
      const session = (await deps.sessions.list()).find((candidate) => candidate.id === id);
      if (!session) throw new HttpError(404, 'SESSION_NOT_FOUND', 'No live session has that id; it may have ended already.', { hint: 'GET /api/sessions lists them.' });
      await auditEnded(deps, user, session.login, await endSessions(deps, [session.id]));
      return { status: 204 };
    },
  },
  {
    method: 'DELETE',
    path: /^\/api\/users\/([^/]+)\/sessions$/,
    access: 'admin',
    async handle(deps, { params: [login], user }) {
      const ids = await deps.sessions.endAllOf(login!);
      for (const id of ids) deps.streams.closeSession(id);
      if (ids.length) await auditEnded(deps, user, login!, ids);
      return { status: 200, body: { ended: ids.length } };
    },
  },
];
