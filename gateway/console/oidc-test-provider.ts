// Tests only: a real, certified OpenID provider (panva's oidc-provider) on a loopback port, with
// one client registered for the console and accounts by login, and helpers that go through its
// development login and consent pages with plain HTTP (fetch, manual redirects, a cookie jar).
import { generateKeyPairSync } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
// @ts-expect-error oidc-provider ships no type declarations (they live in @types/oidc-provider, not installed)
import Provider from 'oidc-provider';

/** The provider's ID token signing key, made once per test file (oidc-provider warns about its built-in one). */
const SIGNING_KEY = { ...generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' }), kid: 'test', use: 'sig', alg: 'RS256' };

export interface TestAccount {
  email?: string;
  email_verified?: boolean;
  name?: string;
}

export interface TestProvider {
  issuer: string;
  clientId: string;
  clientSecret: string;
  close(): Promise<void>;
}

export async function startTestProvider(options: { redirectUri: string; accounts: Record<string, TestAccount>; host?: string }): Promise<TestProvider> {
  const server = createServer();
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const issuer = `http://${host}:${(server.address() as AddressInfo).port}`;
  const clientId = 'coworkers-console';
  const clientSecret = 'a-client-secret-for-the-test-only-0123456789';
  const provider = new Provider(issuer, {
    clients: [{ client_id: clientId, client_secret: clientSecret, redirect_uris: [options.redirectUri], grant_types: ['authorization_code'], response_types: ['code'] }],
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
    features: { devInteractions: { enabled: true } },
    pkce: { required: () => true },
    cookies: { keys: ['test-provider-cookie-key-0123456789'] },
    jwks: { keys: [SIGNING_KEY] },
    ttl: { Interaction: 600, Session: 3600, Grant: 3600, AccessToken: 600, IdToken: 600, AuthorizationCode: 60 },
    async findAccount(_ctx: unknown, id: string) {
      const account = options.accounts[id];
      if (!account) return undefined;
      return { accountId: id, claims: async () => ({ sub: id, ...account }) };
    },
  });
  // oidc-provider still warns about its in-memory storage and development login pages: both fine in a test.
  server.on('request', provider.callback());
  return {
    issuer,
    clientId,
    clientSecret,
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

/** A cookie jar by origin host (ports ignored, like browsers), enough for one test's redirects. */
export class CookieJar {
  private readonly cookies = new Map<string, Map<string, string>>();

  store(url: URL, response: Response): void {
    const jar = this.cookies.get(url.hostname) ?? new Map<string, string>();
    this.cookies.set(url.hostname, jar);
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const at = pair!.indexOf('=');
      const name = pair!.slice(0, at).trim();
      const value = pair!.slice(at + 1).trim();
      if (/max-age=0\b/i.test(line) || value === '') jar.delete(name);
      else jar.set(name, value);
    }
  }

  header(url: URL): string {
    return [...(this.cookies.get(url.hostname) ?? new Map<string, string>())].map(([name, value]) => `${name}=${value}`).join('; ');
  }

  get(host: string, name: string): string | undefined {
    return this.cookies.get(host)?.get(name);
  }
}

/** One request with the jar's cookies, no redirect followed. */
export async function step(jar: CookieJar, url: URL, init: RequestInit = {}): Promise<Response> {
  const response = await fetch(url, { ...init, redirect: 'manual', headers: { ...(init.headers as Record<string, string>), cookie: jar.header(url) } });
  jar.store(url, response);
  return response;
}

/**
 * From the console's /auth/oidc/start, through the provider's login (as `login`) and consent,
 * to the console's callback URL (not visited): what a browser does, one redirect at a time.
 */
export async function signInAtProvider(jar: CookieJar, consoleUrl: string, login: string): Promise<URL> {
  let url = new URL('/auth/oidc/start', consoleUrl);
  let response = await step(jar, url);
  for (let hops = 0; hops < 20; hops++) {
    if (response.status >= 300 && response.status < 400) {
      url = new URL(response.headers.get('location')!, url);
      if (url.pathname === '/auth/oidc/callback') return url;
      response = await step(jar, url);
      continue;
    }
    const page = await response.text();
    if (response.status !== 200) throw new Error(`the provider answered ${response.status} at ${url.href}: ${page.slice(0, 500)}`);
    const action = /<form[^>]*action="([^"]+)"/.exec(page)?.[1];
    const prompt = /name="prompt" value="(\w+)"/.exec(page)?.[1];
    if (!action || !prompt) throw new Error(`no form at ${url.href}: ${page.slice(0, 500)}`);
    const body = prompt === 'login' ? new URLSearchParams({ prompt, login, password: 'anything' }) : new URLSearchParams({ prompt });
    url = new URL(action.replaceAll('&amp;', '&'), url);
    response = await step(jar, url, { method: 'POST', body, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  }
  throw new Error('too many redirects on the way to the provider and back');
}
