// Session cookies: signed, expiring, and refused after any change.
import { describe, expect, it } from 'vitest';
import { createSessionSigner, SESSION_LIFETIME_MS, sessionCookieValue } from './sessions.ts';

const SECRET = 'a-secret-that-is-long-enough-for-the-signer';

describe('session cookies', () => {
  it('prove the login until they expire', () => {
    const clock = { now: 1_000_000 };
    const signer = createSessionSigner({ secret: SECRET, now: () => clock.now });
    const { value, expiresAt } = signer.issue('maria.lopez');
    expect(expiresAt).toBe(1_000_000 + SESSION_LIFETIME_MS);
    expect(signer.verify(value)).toEqual({ login: 'maria.lopez', expiresAt });
    clock.now = expiresAt;
    expect(signer.verify(value)).toBeNull();
  });

  it('are refused when any part changed or another secret signed them', () => {
    const signer = createSessionSigner({ secret: SECRET, now: () => 0 });
    const { value } = signer.issue('maria');
    const [login, expiresAt, mac] = value.split('.') as [string, string, string];
    for (const forged of [`daniel.${expiresAt}.${mac}`, `${login}.${Number(expiresAt) + 1}.${mac}`, `${login}.${expiresAt}.${mac.slice(0, -2)}`, `${login}.${expiresAt}`, '', 'maria', '..']) {
      expect(signer.verify(forged)).toBeNull();
    }
    expect(createSessionSigner({ secret: `${SECRET}-other`, now: () => 0 }).verify(value)).toBeNull();
    expect(createSessionSigner({ now: () => 0 }).verify(value)).toBeNull();
  });

  it('refuse a short secret', () => {
    const short = () => createSessionSigner({ secret: 'short', now: () => 0 });
    expect(short).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
    expect(short).toThrow(/needs 32 at least/);
  });

  it('are read from a Cookie header among others', () => {
    expect(sessionCookieValue('theme=dark; coworkers_session=maria.1.abc-_; other=x')).toBe('maria.1.abc-_');
    expect(sessionCookieValue('theme=dark')).toBeUndefined();
    expect(sessionCookieValue(undefined)).toBeUndefined();
  });
});
