// Sessions kept on the server, in the store's `console-sessions` collection, so every console
// process shares them, a restart keeps them and they can be ended: sign-out, or an admin ending
// someone's. The cookie carries a random 256-bit token; the store keeps only its SHA-256 (the
// session's id), so a copy of the store signs nobody in. 12 hours long; expired ones are swept.
import { createHash, randomBytes } from 'node:crypto';
import type { Documents } from '../../persistence/index.ts';

export const SESSION_COOKIE = 'coworkers_session';
export const SESSION_LIFETIME_MS = 12 * 60 * 60 * 1000;
export const SESSIONS_COLLECTION = 'console-sessions';
/** lastSeenAt is written at most this often per session, not on every request. */
const LAST_SEEN_EVERY_MS = 60_000;
const TOKEN = /^[A-Za-z0-9_-]{43}$/;

export type SignInMethod = 'password' | 'oidc';

export interface Session {
  /** The SHA-256 (hex) of the cookie's token: how the store and admins name the session. */
  id: string;
  login: string;
  via: SignInMethod;
  createdAt: number;
  expiresAt: number;
  lastSeenAt: number;
}

export interface Sessions {
  /** A new session for this login: the cookie value (the token, never stored) and when it ends. */
  issue(login: string, via: SignInMethod): Promise<{ value: string; expiresAt: number }>;
  /** The live session a cookie value names, or null when it is unknown, ended or expired. */
  verify(value: string): Promise<Session | null>;
  /** Whether the session (by id) is still live: the event streams ask this to close ended ones. */
  isLive(id: string): Promise<boolean>;
  /** Ends one session; false when there was none live. */
  end(id: string): Promise<boolean>;
  /** Ends every session of a login and returns their ids. */
  endAllOf(login: string): Promise<string[]>;
  /** Every live session, newest first. */
  list(): Promise<Session[]>;
  /** Deletes expired sessions and returns how many. */
  sweep(): Promise<number>;
}

/** The session id of a cookie value. */
export function sessionIdOf(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

export function createSessions(options: { documents: Documents; now: () => number }): Sessions {
  const { documents, now } = options;
  const live = (session: Session | null): session is Session => session !== null && session.expiresAt > now();
  const get = (id: string) => documents.get<Session>(SESSIONS_COLLECTION, id);

  return {
    async issue(login, via) {
      const value = randomBytes(32).toString('base64url');
      const at = now();
      const session: Session = { id: sessionIdOf(value), login, via, createdAt: at, expiresAt: at + SESSION_LIFETIME_MS, lastSeenAt: at };
      await documents.put(SESSIONS_COLLECTION, session.id, session);
      return { value, expiresAt: session.expiresAt };
    },
    async verify(value) {
      if (!TOKEN.test(value)) return null;
      const session = await get(sessionIdOf(value));
      if (!live(session)) return null;
      const at = now();
      if (at - session.lastSeenAt >= LAST_SEEN_EVERY_MS) {
        // Written only while it is still there: a put would bring back a session ended meanwhile.
        const seen = { ...session, lastSeenAt: at };
        if (await get(session.id)) await documents.put(SESSIONS_COLLECTION, session.id, seen);
        return seen;
      }
      return session;
    },
    async isLive(id) {
      return live(await get(id));
    },
    async end(id) {
      const session = await get(id);
      if (!session) return false;
      await documents.delete(SESSIONS_COLLECTION, id);
      return live(session);
    },
    async endAllOf(login) {
      const theirs = (await documents.list<Session>(SESSIONS_COLLECTION)).filter((session) => session.login === login);
      for (const session of theirs) await documents.delete(SESSIONS_COLLECTION, session.id);
      return theirs.filter(live).map((session) => session.id);
    },
    async list() {
      return (await documents.list<Session>(SESSIONS_COLLECTION)).filter(live).sort((a, b) => b.createdAt - a.createdAt);
    },
    async sweep() {
      const expired = (await documents.list<Session>(SESSIONS_COLLECTION)).filter((session) => session.expiresAt <= now());
      for (const session of expired) await documents.delete(SESSIONS_COLLECTION, session.id);
      return expired.length;
    },
  };
}

/** The Set-Cookie value: HttpOnly (no script reads it), SameSite=Strict (no other site sends it), Secure behind https. */
export function sessionCookie(value: string, maxAgeMs: number, secure: boolean): string {
  return `${SESSION_COOKIE}=${value}; HttpOnly; SameSite=Strict; Path=/; Max-Age=${Math.max(0, Math.floor(maxAgeMs / 1000))}${secure ? '; Secure' : ''}`;
}

export function clearedSessionCookie(secure: boolean): string {
  return sessionCookie('', 0, secure);
}

/** The session cookie's value from a Cookie header, if any. */
export function sessionCookieValue(header: string | undefined): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const [name, ...value] = part.trim().split('=');
    if (name === SESSION_COOKIE) return value.join('=');
  }
  return undefined;
}
