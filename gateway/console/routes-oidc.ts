// Sign-in with OpenID Connect, beside the passwords: GET /auth/oidc/start sends the browser to
// the provider, GET /auth/oidc/callback checks its answer (oidc.ts), finds the person in
// users.yaml by their verified email, and signs them in. A refusal goes back to the sign-in page
// with a reason it explains (`/?sign-in-error=<reason>`), and is audited. GET /api/auth-options
// tells the sign-in page which ways to sign in there are.
import { auditConsole } from './console-audit.ts';
import { HttpError, type JsonReply } from './http.ts';
import { OidcRefusal, type OidcRefusalReason } from './oidc.ts';

export { oidcSignInOf, type OidcOptions, type OidcSignIn } from './oidc.ts';
import type { ConsoleDeps, Route } from './route.ts';
import { SESSION_LIFETIME_MS, sessionCookie } from './sessions.ts';
import { personId } from '../../protocol/index.ts';

/** What the sign-in page says for each refusal; the page reads them from GET /api/auth-options. */
export const REFUSAL_MESSAGES: Record<OidcRefusalReason, string> = {
  unavailable: 'Signing in with your company account is not available right now. Please try again later.',
  expired: 'The sign-in took too long or was started elsewhere. Please try again.',
  invalid: 'The answer from your company account could not be verified. Please try again.',
  provider: 'Your company account did not sign you in.',
  'no-email': 'Your company account gave no email address, so the console cannot tell who you are.',
  'unverified-email': 'Your company account has not verified your email address, so the console cannot tell who you are.',
  'unknown-email': 'Nobody with your email address may use this console. Ask an administrator to add you to users.yaml.',
};

const redirect = (location: string, cookies: string[]): JsonReply => ({
  status: 303,
  // node:http sends each cookie as its own Set-Cookie header when given a list.
  headers: { location, 'set-cookie': cookies as unknown as string },
});

function oidcOf(deps: ConsoleDeps) {
  if (!deps.oidc) throw new HttpError(404, 'NOT_FOUND', 'Sign-in with OpenID Connect is not configured here.', { hint: 'set COWORKERS_OIDC_ISSUER, COWORKERS_OIDC_CLIENT_ID and COWORKERS_OIDC_CLIENT_SECRET' });
  return deps.oidc;
}

export const oidcRoutes: Route[] = [
  {
    method: 'GET',
    path: /^\/api\/auth-options$/,
    public: true,
    async handle(deps) {
      return { status: 200, body: { password: true, oidc: deps.oidc ? { label: deps.oidc.label, start: '/auth/oidc/start' } : null, refusals: REFUSAL_MESSAGES } };
    },
  },
  {
    method: 'GET',
    path: /^\/auth\/oidc\/start$/,
    public: true,
    async handle(deps) {
      try {
        const { location, cookie } = await oidcOf(deps).start();
        return redirect(location, [cookie]);
      } catch (error) {
        if (!(error instanceof OidcRefusal)) throw error;
        deps.logger.error(error.message);
        return redirect(`/?sign-in-error=${error.reason}`, []);
      }
    },
  },
  {
    method: 'GET',
    path: /^\/auth\/oidc\/callback$/,
    public: true,
    async handle(deps, { request, url, address }) {
      const oidc = oidcOf(deps);
      const cleared = oidc.clearedCookie();
      let email: string | undefined;
      try {
        const identity = await oidc.finish(url.searchParams, request.headers.cookie);
        email = identity.email;
        const wanted = identity.email.toLowerCase();
        const user = deps.people.users.find((person) => person.email?.toLowerCase() === wanted);
        if (!user) throw new OidcRefusal('unknown-email', `No one in users.yaml has the email ${identity.email}.`, identity.email);
        const { value } = await deps.sessions.issue(user.login, 'oidc');
        deps.logger.info({ login: user.login, address, via: 'oidc' }, 'console sign-in');
        await auditConsole(deps, { kind: 'console.signed-in', by: personId(user), summary: `${user.name} signed in to the console with OpenID Connect`, detail: { via: 'oidc' } });
        return redirect('/', [cleared, sessionCookie(value, SESSION_LIFETIME_MS, deps.secureCookies)]);
      } catch (error) {
        if (!(error instanceof OidcRefusal)) throw error;
        email ??= error.email;
        deps.logger[error.reason === 'unavailable' ? 'error' : 'warn']({ reason: error.reason, email, address }, `console sign-in with OpenID Connect refused: ${error.message}`);
        // Limited per address, like every refusal of the console (console-audit.ts).
        await deps.refusals.refused(`address:${address}`, {
          by: 'unknown',
          summary: `A sign-in with OpenID Connect${email ? ` as ${email}` : ''} was refused: ${error.message}`,
          detail: { via: 'oidc', reason: error.reason, address, ...(email ? { email } : {}) },
        });
        return redirect(`/?sign-in-error=${error.reason}`, [cleared]);
      }
    },
  },
];
