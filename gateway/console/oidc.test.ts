// Sign-in with OpenID Connect against a real, certified provider (oidc-provider) run in the test:
// the flow's checks (state, PKCE, nonce, a code used once) in oidc.ts, then through the console:
// a person lands signed in as the users.yaml user with their verified email; an unknown or an
// unverified email is refused and audited; a forged or replayed callback is refused; passwords
// still work.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { createMemoryBus } from '../../messaging/index.ts';
import { createSqliteStore, type Store } from '../../persistence/index.ts';
import { ephemeralSigner } from '../../protocol/index.ts';
import { startConsoleServer, type ConsoleServer } from './console-server.ts';
import { createOidcSignIn, OidcRefusal, providerLabel, type OidcSignIn } from './oidc.ts';
import { CookieJar, signInAtProvider, startTestProvider, step, type TestProvider } from './oidc-test-provider.ts';
import { REFUSAL_MESSAGES } from './routes-oidc.ts';

const SECRET = 'test-secret-that-is-long-enough-1234567890';
const ACCOUNTS = {
  'maria-at-idp': { email: 'Maria.Lopez@Example.com', email_verified: true, name: 'Maria at the provider' },
  stranger: { email: 'stranger@example.com', email_verified: true },
  unverified: { email: 'daniel@example.com', email_verified: false },
  'no-email': {},
};
const MARIA = { login: 'maria', name: 'Maria Lopez', slack: 'U04MARIA01', email: 'maria.lopez@example.com', password: 'maria-one-time-password' };
const DANIEL = { login: 'daniel', name: 'Daniel Okafor', slack: 'U04DANIEL2', email: 'daniel@example.com', password: 'daniel-one-time-password' };

describe('createOidcSignIn against oidc-provider', () => {
  const redirectUri = 'http://127.0.0.1:9/auth/oidc/callback';
  let provider: TestProvider;
  let oidc: OidcSignIn;
  let now = Date.now();
  beforeAll(async () => {
    provider = await startTestProvider({ redirectUri, accounts: ACCOUNTS });
  });
  afterAll(() => provider.close());
  beforeEach(() => {
    now = Date.now();
    oidc = createOidcSignIn({ issuer: provider.issuer, clientId: provider.clientId, clientSecret: provider.clientSecret, redirectUri, secret: SECRET, now: () => now, secure: false, allowInsecureRequests: true });
  });

  /** Starts a sign-in, logs in at the provider, and returns the callback's query and the state cookie. */
  async function throughProvider(login: string): Promise<{ query: URLSearchParams; cookie: string }> {
    const { location, cookie } = await oidc.start();
    const jar = new CookieJar();
    let url = new URL(location);
    let response = await step(jar, url);
    for (let hops = 0; hops < 20; hops++) {
      if (response.status >= 300 && response.status < 400) {
        url = new URL(response.headers.get('location')!, url);
        if (url.href.startsWith(redirectUri)) return { query: url.searchParams, cookie: cookie.split(';')[0]! };
        response = await step(jar, url);
        continue;
      }
      const page = await response.text();
      const action = /<form[^>]*action="([^"]+)"/.exec(page)![1]!;
      const prompt = /name="prompt" value="(\w+)"/.exec(page)![1]!;
      url = new URL(action, url);
      const body = prompt === 'login' ? new URLSearchParams({ prompt, login, password: 'x' }) : new URLSearchParams({ prompt });
      response = await step(jar, url, { method: 'POST', body, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    }
    throw new Error('no way back to the callback');
  }

  it('sends the browser to the provider with PKCE (S256), state and nonce, in a signed HttpOnly SameSite=Lax cookie', async () => {
    const { location, cookie } = await oidc.start();
    const url = new URL(location);
    expect(url.origin).toBe(provider.issuer);
    expect(Object.fromEntries(url.searchParams)).toMatchObject({ client_id: provider.clientId, redirect_uri: redirectUri, response_type: 'code', scope: 'openid email profile', code_challenge_method: 'S256' });
    for (const name of ['state', 'nonce', 'code_challenge']) expect(url.searchParams.get(name)).toMatch(/^[\w-]{32,}$/);
    expect(cookie).toMatch(/^coworkers_oidc=[\w-]+\.[\w-]+; HttpOnly; SameSite=Lax; Path=\/auth\/oidc\/; Max-Age=600$/);
    // The verifier itself never goes to the provider.
    expect(location).not.toContain(JSON.parse(Buffer.from(cookie.split('=')[1]!.split('.')[0]!, 'base64url').toString()).verifier);
  });

  it('returns the verified email of the account signed in at the provider', async () => {
    const { query, cookie } = await throughProvider('maria-at-idp');
    await expect(oidc.finish(query, cookie)).resolves.toEqual({ subject: 'maria-at-idp', email: 'Maria.Lopez@Example.com' });
  });

  it('refuses an unverified email and an account without one', async () => {
    const unverified = await throughProvider('unverified');
    await expect(oidc.finish(unverified.query, unverified.cookie)).rejects.toMatchObject({ reason: 'unverified-email', email: 'daniel@example.com' });
    const none = await throughProvider('no-email');
    await expect(oidc.finish(none.query, none.cookie)).rejects.toMatchObject({ reason: 'no-email' });
  });

  it('refuses a code used twice, a wrong state, another sign-in\'s cookie, a tampered or expired cookie, and no cookie', async () => {
    const first = await throughProvider('maria-at-idp');
    await oidc.finish(first.query, first.cookie);
    await expect(oidc.finish(first.query, first.cookie)).rejects.toMatchObject({ reason: 'invalid' });

    const second = await throughProvider('maria-at-idp');
    const wrongState = new URLSearchParams(second.query);
    wrongState.set('state', 'forged-state-forged-state-forged-state-123');
    await expect(oidc.finish(wrongState, second.cookie)).rejects.toMatchObject({ reason: 'invalid' });

    const third = await throughProvider('maria-at-idp');
    const other = await oidc.start(); // another tab's sign-in: its state and verifier do not match this code
    await expect(oidc.finish(third.query, other.cookie.split(';')[0])).rejects.toBeInstanceOf(OidcRefusal);
    const [payload, mac] = third.cookie.split('=')[1]!.split('.');
    const tampered = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload!, 'base64url').toString()), expiresAt: now + 1e9 })).toString('base64url');
    await expect(oidc.finish(third.query, `coworkers_oidc=${tampered}.${mac}`)).rejects.toMatchObject({ reason: 'expired' });
    await expect(oidc.finish(third.query, undefined)).rejects.toMatchObject({ reason: 'expired' });
    now += 11 * 60 * 1000;
    await expect(oidc.finish(third.query, third.cookie)).rejects.toMatchObject({ reason: 'expired' });
  });

  it('names well-known providers on the button, others "your company account"', () => {
    expect(providerLabel('https://accounts.google.com')).toBe('Google');
    expect(providerLabel('https://login.microsoftonline.com/tenant/v2.0')).toBe('Microsoft');
    expect(providerLabel('https://sso.example.com/realms/staff')).toBe('your company account');
  });
});

describe('the console with OpenID Connect', () => {
  let provider: TestProvider;
  let server: ConsoleServer;
  let store: Store;
  let close: () => Promise<void>;
  const logLines: Array<Record<string, unknown>> = [];

  beforeEach(async () => {
    // The console on localhost and the provider on 127.0.0.1: two sites, as in real life.
    const bus = createMemoryBus();
    store = createSqliteStore({ path: ':memory:' });
    const logger = pino({ level: 'info' }, { write: (line: string) => void logLines.push(JSON.parse(line) as Record<string, unknown>) });
    // The provider needs the redirect URI before the console has its port: a port is reserved first.
    const users = [MARIA, DANIEL];
    const reserve = await startConsoleServer({ bus, store, users, port: 0, secret: SECRET, logger, signer: ephemeralSigner() });
    const port = reserve.port;
    await reserve.close();
    const redirectUri = `http://localhost:${port}/auth/oidc/callback`;
    provider = await startTestProvider({ redirectUri, accounts: ACCOUNTS });
    server = await startConsoleServer({
      bus,
      store,
      users,
      port,
      secret: SECRET,
      logger,
      signer: ephemeralSigner(),
      oidc: { issuer: provider.issuer, clientId: provider.clientId, clientSecret: provider.clientSecret, redirectUri, allowInsecureRequests: true },
    });
    close = async () => {
      await server.close();
      await provider.close();
      await bus.close();
      await store.close();
    };
  });
  afterEach(() => close());

  const consoleUrl = () => `http://localhost:${server.port}/`;

  async function finish(jar: CookieJar, callback: URL): Promise<Response> {
    return step(jar, callback);
  }

  async function me(jar: CookieJar): Promise<{ status: number; login?: string }> {
    const response = await step(jar, new URL('/api/me', consoleUrl()));
    return { status: response.status, ...(response.ok ? { login: ((await response.json()) as { user: { login: string } }).user.login } : {}) };
  }

  it('tells the sign-in page about the provider', async () => {
    const response = await fetch(new URL('/api/auth-options', consoleUrl()));
    expect(await response.json()).toEqual({ password: true, oidc: { label: 'your company account', start: '/auth/oidc/start' }, refusals: REFUSAL_MESSAGES });
  });

  it('signs a person in as the users.yaml user with their verified email (any case), audited', async () => {
    const jar = new CookieJar();
    const callback = await signInAtProvider(jar, consoleUrl(), 'maria-at-idp');
    const landed = await finish(jar, callback);
    expect(landed.status).toBe(303);
    expect(landed.headers.get('location')).toBe('/');
    const cookies = landed.headers.getSetCookie();
    expect(cookies.find((line) => line.startsWith('coworkers_session='))).toMatch(/; HttpOnly; SameSite=Strict; Path=\/; Max-Age=43200$/);
    expect(cookies.find((line) => line.startsWith('coworkers_oidc='))).toMatch(/^coworkers_oidc=; .*Max-Age=0/);
    expect(await me(jar)).toEqual({ status: 200, login: 'maria' });
    const audit = await store.queryAudit({ coworkerId: 'console' });
    expect(audit.map((entry) => [entry.kind, entry.by, entry.detail])).toContainEqual(['console.signed-in', MARIA.slack, { via: 'oidc' }]);

    // The same callback again (a replayed code, the state cookie gone): refused, still one sign-in.
    const replayJar = new CookieJar();
    const replay = await finish(replayJar, callback);
    expect(replay.headers.get('location')).toBe('/?sign-in-error=expired');
    expect(replay.headers.getSetCookie().some((line) => line.startsWith('coworkers_session='))).toBe(false);
  });

  it('refuses an email nobody in users.yaml has, and an unverified one, with a reason for the page, audited', async () => {
    for (const [login, reason] of [
      ['stranger', 'unknown-email'],
      ['unverified', 'unverified-email'],
    ] as const) {
      const jar = new CookieJar();
      const refused = await finish(jar, await signInAtProvider(jar, consoleUrl(), login));
      expect(refused.status).toBe(303);
      expect(refused.headers.get('location')).toBe(`/?sign-in-error=${reason}`);
      expect(refused.headers.getSetCookie().some((line) => line.startsWith('coworkers_session='))).toBe(false);
      expect(await me(jar)).toEqual({ status: 401 });
    }
    const audit = await store.queryAudit({ coworkerId: 'console' });
    const refusals = audit.filter((entry) => entry.kind === 'console.refused').map((entry) => entry.detail);
    expect(refusals).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ via: 'oidc', reason: 'unknown-email', email: 'stranger@example.com' }),
        expect.objectContaining({ via: 'oidc', reason: 'unverified-email', email: 'daniel@example.com' }),
      ]),
    );
  });

  it('refuses a forged callback (wrong state) and a code used twice with its own state cookie', async () => {
    const jar = new CookieJar();
    const callback = await signInAtProvider(jar, consoleUrl(), 'maria-at-idp');
    const stateCookie = jar.get('localhost', 'coworkers_oidc')!;
    const forged = new URL(callback);
    forged.searchParams.set('state', 'forged-state-forged-state-forged-state-123');
    const refused = await finish(jar, forged);
    expect(refused.headers.get('location')).toBe('/?sign-in-error=invalid');
    expect(await me(jar)).toEqual({ status: 401 });

    // An attacker who kept the code and the state cookie: the provider takes a code once.
    const first = new CookieJar();
    const second = new CookieJar();
    for (const copy of [first, second]) copy.store(new URL(consoleUrl()), new Response(null, { headers: { 'set-cookie': `coworkers_oidc=${stateCookie}` } }));
    expect((await finish(first, callback)).headers.get('location')).toBe('/');
    expect((await finish(second, callback)).headers.get('location')).toBe('/?sign-in-error=invalid');
    expect(await me(second)).toEqual({ status: 401 });
  });

  it('keeps the password sign-in working beside it', async () => {
    const response = await fetch(new URL('/api/session', consoleUrl()), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ login: 'daniel', password: DANIEL.password }) });
    expect(response.status).toBe(200);
    expect(((await response.json()) as { user: { login: string } }).user.login).toBe('daniel');
  });

  it('sends the browser back to the sign-in page when the provider cannot be reached, and logs why', async () => {
    const unreachable = await startConsoleServer({
      bus: createMemoryBus(),
      store,
      users: [MARIA],
      port: 0,
      logger: pino({ level: 'info' }, { write: (line: string) => void logLines.push(JSON.parse(line) as Record<string, unknown>) }),
      signer: ephemeralSigner(),
      oidc: { issuer: 'http://127.0.0.1:9/', clientId: 'x', clientSecret: 'y', redirectUri: 'http://127.0.0.1:9/auth/oidc/callback', allowInsecureRequests: true },
    });
    try {
      const response = await fetch(new URL('/auth/oidc/start', unreachable.url), { redirect: 'manual' });
      expect([response.status, response.headers.get('location')]).toEqual([303, '/?sign-in-error=unavailable']);
      expect(logLines.some((line) => line.level === 50 && String(line.msg).includes('http://127.0.0.1:9/ cannot be discovered'))).toBe(true);
    } finally {
      await unreachable.close();
    }
  });

  it('answers 404 at /auth/oidc/start when OpenID Connect is not configured', async () => {
    const plain = await startConsoleServer({ bus: createMemoryBus(), store, users: [MARIA], port: 0, secret: SECRET, logger: pino({ level: 'silent' }), signer: ephemeralSigner() });
    try {
      expect((await fetch(new URL('/auth/oidc/start', plain.url), { redirect: 'manual' })).status).toBe(404);
      expect(await (await fetch(new URL('/api/auth-options', plain.url))).json()).toEqual({ password: true, oidc: null, refusals: REFUSAL_MESSAGES });
    } finally {
      await plain.close();
    }
  });
});
