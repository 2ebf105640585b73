// Stateless signed session cookies: `<login>.<expiresAt>.<hmac>`, HMAC-SHA256 under a secret
// (shared by every console process of a deployment, or random per process), 12 hours long.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { CoworkersError } from '../../protocol/index.ts';

export const SESSION_COOKIE = 'coworkers_session';
export const SESSION_LIFETIME_MS = 12 * 60 * 60 * 1000;
const MIN_SECRET_LENGTH = 32;

export interface Session {
  login: string;
  expiresAt: number;
}

export interface SessionSigner {
  /** A cookie value for this login, valid for SESSION_LIFETIME_MS from now. */
  issue(login: string): { value: string; expiresAt: number };
  /** The session a cookie value proves, or null when it is forged, tampered with or expired. */
  verify(value: string): Session | null;
}

export function createSessionSigner(options: { secret?: string; now: () => number }): SessionSigner {
  if (options.secret !== undefined && options.secret.length < MIN_SECRET_LENGTH) {
    throw new CoworkersError('CONFIG_INVALID', `The console's session secret is ${options.secret.length} characters long; it needs ${MIN_SECRET_LENGTH} at least.`, {
      hint: 'generate one with: node -e "console.log(require(\'node:crypto\').randomBytes(32).toString(\'base64url\'))"',
    });
  }
  const secret = options.secret ?? randomBytes(32);
  const sign = (payload: string) => createHmac('sha256', secret).update(payload).digest();

  return {
    issue(login) {
      const expiresAt = options.now() + SESSION_LIFETIME_MS;
      const payload = `${login}.${expiresAt}`;
      return { value: `${payload}.${sign(payload).toString('base64url')}`, expiresAt };
    },
    verify(value) {
      const macAt = value.lastIndexOf('.');
      const expiresAtAt = value.lastIndexOf('.', macAt - 1);
      if (expiresAtAt <= 0) return null;
      const payload = value.slice(0, macAt);
      const expiresAtText = value.slice(expiresAtAt + 1, macAt);
      if (!/^\d{1,15}$/.test(expiresAtText)) return null;
      const given = Buffer.from(value.slice(macAt + 1), 'base64url');
      const expected = sign(payload);
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
      const expiresAt = Number(expiresAtText);
      return expiresAt > options.now() ? { login: value.slice(0, expiresAtAt), expiresAt } : null;
    },
  };
}

/** The Set-Cookie value: HttpOnly (no script reads it), SameSite=Strict (no other site sends it). */
export function sessionCookie(value: string, maxAgeMs: number): string {
  return `${SESSION_COOKIE}=${value}; HttpOnly; SameSite=Strict; Path=/; Max-Age=${Math.max(0, Math.floor(maxAgeMs / 1000))}`;
}

export function clearedSessionCookie(): string {
  return sessionCookie('', 0);
}

/** The session cookie's value from a Cookie header, if any. */
export function sessionCookieValue(header: string | undefined): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const [name, ...value] = part.trim().split('=');
    if (name === SESSION_COOKIE) return value.join('=');
  }
  return undefined;
}
