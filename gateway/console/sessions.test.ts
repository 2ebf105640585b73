// Server-side sessions: the store keeps the token's hash only; ended and expired sessions are refused.
import { afterEach, describe, expect, it } from 'vitest';
import { createSqliteStore, type Store } from '../../persistence/index.ts';
import { createSessions, SESSION_LIFETIME_MS, SESSIONS_COLLECTION, sessionCookie, sessionCookieValue, sessionIdOf } from './sessions.ts';

let store: Store;
afterEach(() => store?.close());

function setUp(start = 1_000_000) {
  store = createSqliteStore({ path: ':memory:' });
  const clock = { now: start };
  return { clock, sessions: createSessions({ documents: store.documents, now: () => clock.now }) };
}

describe('console sessions', () => {
  it('sign the login in until they expire, and store the hash of the token, never the token', async () => {
    const { clock, sessions } = setUp();
    const { value, expiresAt } = await sessions.issue('maria', 'password');
    expect(expiresAt).toBe(1_000_000 + SESSION_LIFETIME_MS);
    expect(await sessions.verify(value)).toMatchObject({ login: 'maria', via: 'password', expiresAt, id: sessionIdOf(value) });
    const stored = await store.documents.list(SESSIONS_COLLECTION);
    expect(JSON.stringify(stored)).not.toContain(value);
    clock.now = expiresAt;
    expect(await sessions.verify(value)).toBeNull();
    expect(await sessions.sweep()).toBe(1);
    expect(await store.documents.list(SESSIONS_COLLECTION)).toEqual([]);
  });

  it('refuse a session once ended, one by one or all of a login', async () => {
    const { sessions } = setUp();
    const first = await sessions.issue('maria', 'password');
    const second = await sessions.issue('maria', 'oidc');
    const daniel = await sessions.issue('daniel', 'password');
    expect(await sessions.end(sessionIdOf(first.value))).toBe(true);
    expect(await sessions.verify(first.value)).toBeNull();
    expect(await sessions.verify(second.value)).not.toBeNull();
    expect(await sessions.endAllOf('maria')).toEqual([sessionIdOf(second.value)]);
    expect(await sessions.verify(second.value)).toBeNull();
    expect((await sessions.list()).map((session) => session.login)).toEqual(['daniel']);
    expect(await sessions.isLive(sessionIdOf(daniel.value))).toBe(true);
  });

  it('refuse made-up and malformed tokens', async () => {
    const { sessions } = setUp();
    const { value } = await sessions.issue('maria', 'password');
    expect(await sessions.verify(`${value.slice(0, -1)}${value.endsWith('A') ? 'B' : 'A'}`)).toBeNull();
    expect(await sessions.verify('')).toBeNull();
    expect(await sessions.verify('maria.99999999999999.abc')).toBeNull();
  });

  it('make a Secure cookie only when asked', () => {
    expect(sessionCookie('abc', 60_000, false)).toBe('coworkers_session=abc; HttpOnly; SameSite=Strict; Path=/; Max-Age=60');
    expect(sessionCookie('abc', 60_000, true)).toMatch(/; Secure$/);
    expect(sessionCookieValue('a=1; coworkers_session=abc; b=2')).toBe('abc');
  });
});
