// Signing in and out: POST /api/session checks the password (unknown logins and wrong passwords
// get the same answer in the same time), DELETE /api/session clears the cookie, GET /api/me.
import { z } from 'zod';
import { HttpError, readJsonBody } from './http.ts';
import { verifyPassword } from './passwords.ts';
import type { Route } from './route.ts';
import { clearedSessionCookie, SESSION_LIFETIME_MS, sessionCookie } from './sessions.ts';

const signInSchema = z.strictObject({ login: z.string().max(200), password: z.string().max(1_000) });

export const sessionRoutes: Route[] = [
  {
    method: 'POST',
    path: /^\/api\/session$/,
    public: true,
    async handle(deps, { request, address }) {
      const body = await readJsonBody(request, signInSchema);
      const login = body.login.trim().toLowerCase();
      const attempt = { login, address };
      const retryAfter = deps.limiter.retryAfterSeconds(attempt);
      if (retryAfter > 0) {
        deps.logger.warn({ login, address }, 'console sign-in refused: too many failed attempts');
        throw new HttpError(429, 'TOO_MANY_ATTEMPTS', 'Too many failed sign-ins. Wait a while before trying again.', { headers: { 'retry-after': String(retryAfter) } });
      }
      const known = deps.users.get(login);
      const matches = await verifyPassword(body.password, known?.passwordHash ?? deps.decoyHash);
      if (!known || !matches) {
        deps.limiter.recordFailure(attempt);
        deps.logger.warn({ login, address }, 'console sign-in refused: wrong login or password');
        throw new HttpError(401, 'SIGN_IN_FAILED', 'Wrong login or password.');
      }
      deps.limiter.recordSuccess(login);
      const { value } = deps.sessions.issue(login);
      return { status: 200, body: { user: known.user }, headers: { 'set-cookie': sessionCookie(value, SESSION_LIFETIME_MS) } };
    },
  },
  {
    method: 'DELETE',
    path: /^\/api\/session$/,
    async handle() {
      return { status: 204, headers: { 'set-cookie': clearedSessionCookie() } };
    },
  },
  {
    method: 'GET',
    path: /^\/api\/me$/,
    async handle(_deps, { user }) {
      return { status: 200, body: { user } };
    },
  },
];
