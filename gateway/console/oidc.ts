// Sign-in with OpenID Connect (openid-client): the authorization code flow with PKCE, state and
// nonce, the provider found by discovery from its issuer. What the flow must remember between
// the redirect to the provider and the callback (state, nonce, PKCE verifier) travels in a short,
// HMAC-signed, HttpOnly cookie, so any console process of a deployment can finish a sign-in
// another one started. The person is then matched to users.yaml by a verified email.
import { createHmac, timingSafeEqual } from 'node:crypto';
import * as client from 'openid-client';

export const OIDC_STATE_COOKIE = 'coworkers_oidc';
/** Time to sign in at the provider before the callback is refused. */
export const OIDC_STATE_LIFETIME_MS = 10 * 60 * 1000;
const STATE_COOKIE_PATH = '/auth/oidc/';

export interface OidcOptions {
  /** The provider's issuer URL; its /.well-known/openid-configuration is read on first use. */
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** `<COWORKERS_PUBLIC_URL>/auth/oidc/callback`, registered at the provider. */
  redirectUri: string;
  /** Tests only: let openid-client talk plain http to the provider (a provider on a loopback port). */
  allowInsecureRequests?: boolean;
}

/** Why a callback is refused; `reason` picks the message the sign-in page shows. */
export class OidcRefusal extends Error {
  readonly reason: OidcRefusalReason;
  readonly email: string | undefined;
  constructor(reason: OidcRefusalReason, message: string, email?: string) {
    super(message);
    this.reason = reason;
    this.email = email;
  }
}

export type OidcRefusalReason = 'unavailable' | 'expired' | 'invalid' | 'provider' | 'no-email' | 'unverified-email' | 'unknown-email';

export interface OidcIdentity {
  subject: string;
  email: string;
}

export interface OidcSignIn {
  /** Shown on the sign-in page: "Sign in with <label>". */
  label: string;
  /** Where to send the browser, and the state cookie to set on the way. */
  start(): Promise<{ location: string; cookie: string }>;
  /** Checks the provider's answer at the callback (state, PKCE, nonce, ID token) and returns who signed in, with a verified email. */
  finish(query: URLSearchParams, cookieHeader: string | undefined): Promise<OidcIdentity>;
  /** The Set-Cookie value that removes the state cookie. */
  clearedCookie(): string;
}

export interface OidcSignInOptions extends OidcOptions {
  /** COWORKERS_CONSOLE_SECRET when set; the state cookie's key is derived from it, else from the client secret. */
  secret?: string;
  now: () => number;
  /** The cookie gets `Secure` (the console's public URL is https). */
  secure: boolean;
}

interface FlowState {
  state: string;
  nonce: string;
  verifier: string;
  expiresAt: number;
}

export function createOidcSignIn(options: OidcSignInOptions): OidcSignIn {
  // Every console process of a deployment has the same client secret (and console secret, when
  // set): the key derived from them lets any process finish a sign-in another one started.
  const key = createHmac('sha256', options.secret ?? options.clientSecret).update('coworkers oidc state cookie').digest();
  const sign = (payload: string) => createHmac('sha256', key).update(payload).digest();
  const redirectUri = new URL(options.redirectUri);
  let discovered: Promise<client.Configuration> | null = null;

  /** Discovery once, retried on the next sign-in when the provider could not be reached. */
  const configuration = () => {
    discovered ??= client
      .discovery(new URL(options.issuer), options.clientId, options.clientSecret, undefined, options.allowInsecureRequests ? { execute: [client.allowInsecureRequests] } : undefined)
      .catch((error: unknown) => {
        discovered = null;
        throw new OidcRefusal('unavailable', `The OpenID provider ${options.issuer} cannot be discovered (check COWORKERS_OIDC_ISSUER: its /.well-known/openid-configuration must be reachable from the gateway): ${(error as Error).message}`);
      });
    return discovered;
  };

  const cookie = (value: string, maxAgeMs: number) =>
    // Lax, not Strict: the browser comes back from the provider's site and must bring it.
    `${OIDC_STATE_COOKIE}=${value}; HttpOnly; SameSite=Lax; Path=${STATE_COOKIE_PATH}; Max-Age=${Math.max(0, Math.floor(maxAgeMs / 1000))}${options.secure ? '; Secure' : ''}`;

  const readState = (cookieHeader: string | undefined): FlowState | null => {
    const value = cookieValue(cookieHeader, OIDC_STATE_COOKIE);
    const dot = value?.lastIndexOf('.') ?? -1;
    if (!value || dot <= 0) return null;
    const payload = value.slice(0, dot);
    const given = Buffer.from(value.slice(dot + 1), 'base64url');
    const expected = sign(payload);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
    try {
      const state = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as FlowState;
      return typeof state.expiresAt === 'number' && state.expiresAt > options.now() ? state : null;
    } catch {
      return null;
    }
  };

  return {
    label: providerLabel(options.issuer),
    async start() {
      const config = await configuration();
      const flow: FlowState = {
        state: client.randomState(),
        nonce: client.randomNonce(),
        verifier: client.randomPKCECodeVerifier(),
        expiresAt: options.now() + OIDC_STATE_LIFETIME_MS,
      };
      const location = client.buildAuthorizationUrl(config, {
        redirect_uri: redirectUri.href,
        scope: 'openid email profile',
        code_challenge: await client.calculatePKCECodeChallenge(flow.verifier),
        code_challenge_method: 'S256',
        state: flow.state,
        nonce: flow.nonce,
      });
      const payload = Buffer.from(JSON.stringify(flow)).toString('base64url');
      return { location: location.href, cookie: cookie(`${payload}.${sign(payload).toString('base64url')}`, OIDC_STATE_LIFETIME_MS) };
    },
    async finish(query, cookieHeader) {
      const flow = readState(cookieHeader);
      if (!flow) throw new OidcRefusal('expired', 'The sign-in took too long or was not started here.');
      if (query.has('error')) throw new OidcRefusal('provider', `The provider refused the sign-in: ${query.get('error_description') ?? query.get('error')}`);
      const config = await configuration();
      // The callback as the provider was told it (behind a proxy, not the address this process listens on).
      const currentUrl = new URL(redirectUri.href);
      currentUrl.search = query.toString();
      let tokens: Awaited<ReturnType<typeof client.authorizationCodeGrant>>;
      try {
        tokens = await client.authorizationCodeGrant(config, currentUrl, {
          pkceCodeVerifier: flow.verifier,
          expectedState: flow.state,
          expectedNonce: flow.nonce,
          idTokenExpected: true,
        });
      } catch (error) {
        throw new OidcRefusal('invalid', `The provider's answer does not check out: ${(error as Error).message}`);
      }
      const idToken = tokens.claims()!;
      // Providers put email in the ID token or only in userinfo (oidc-provider, by default, with the code flow).
      let claims: Record<string, unknown> = { ...idToken };
      if (typeof claims.email !== 'string' || claims.email_verified === undefined) {
        claims = { ...(await client.fetchUserInfo(config, tokens.access_token, idToken.sub)), ...stripUndefined(idToken) };
      }
      const email = typeof claims.email === 'string' ? claims.email.trim() : '';
      if (!email) throw new OidcRefusal('no-email', 'The provider gave no email address for this account.');
      if (claims.email_verified !== true) throw new OidcRefusal('unverified-email', `The provider has not verified ${email}.`, email);
      return { subject: idToken.sub, email };
    },
    clearedCookie() {
      return cookie('', 0);
    },
  };
}

/** The console's OpenID Connect sign-in from its server options, or null when it has none. */
export function oidcSignInOf(options: { oidc?: OidcOptions; secret?: string; secureCookies?: boolean }, now: () => number): OidcSignIn | null {
  if (!options.oidc) return null;
  return createOidcSignIn({ ...options.oidc, ...(options.secret !== undefined ? { secret: options.secret } : {}), now, secure: options.secureCookies ?? false });
}

/** "Google", "Microsoft", "Okta"… for the well-known providers, else "your company account". */
export function providerLabel(issuer: string): string {
  const host = URL.canParse(issuer) ? new URL(issuer).hostname.toLowerCase() : '';
  if (host === 'accounts.google.com') return 'Google';
  if (host === 'login.microsoftonline.com' || host.endsWith('.ciamlogin.com')) return 'Microsoft';
  if (host.endsWith('.okta.com') || host.endsWith('.oktapreview.com')) return 'Okta';
  if (host.endsWith('.auth0.com')) return 'Auth0';
  if (host === 'gitlab.com') return 'GitLab';
  return 'your company account';
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as Partial<T>;
}

function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return value.join('=');
  }
  return undefined;
}
