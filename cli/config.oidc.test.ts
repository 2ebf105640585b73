// The OpenID Connect settings: all three or none, and the redirect URI under the public URL.
import { describe, expect, it } from 'vitest';
import { oidcConfig, readConfig } from './config.ts';

const OIDC = { COWORKERS_OIDC_ISSUER: 'https://sso.example.com/realms/staff', COWORKERS_OIDC_CLIENT_ID: 'coworkers', COWORKERS_OIDC_CLIENT_SECRET: 's3cret' };

describe('oidcConfig', () => {
  it('is null when none of the three is set', () => {
    expect(oidcConfig(readConfig({}))).toBeNull();
  });

  it('takes the three, with the callback under COWORKERS_PUBLIC_URL (a path kept) or localhost:CONSOLE_PORT', () => {
    expect(oidcConfig(readConfig({ ...OIDC, CONSOLE_PORT: '3100' }))).toEqual({
      issuer: OIDC.COWORKERS_OIDC_ISSUER,
      clientId: 'coworkers',
      clientSecret: 's3cret',
      redirectUri: 'http://localhost:3100/auth/oidc/callback',
    });
    expect(oidcConfig(readConfig({ ...OIDC, COWORKERS_PUBLIC_URL: 'https://coworkers.example.com' }))?.redirectUri).toBe('https://coworkers.example.com/auth/oidc/callback');
    expect(oidcConfig(readConfig({ ...OIDC, COWORKERS_PUBLIC_URL: 'https://example.com/coworkers/' }))?.redirectUri).toBe('https://example.com/coworkers/auth/oidc/callback');
  });

  it('names what is missing of a half configuration, and the redirect URI to register', () => {
    expect(() => oidcConfig(readConfig({ COWORKERS_OIDC_ISSUER: OIDC.COWORKERS_OIDC_ISSUER }))).toThrow(/missing: COWORKERS_OIDC_CLIENT_ID, COWORKERS_OIDC_CLIENT_SECRET/);
    let hint = '';
    try {
      oidcConfig(readConfig({ COWORKERS_OIDC_CLIENT_ID: 'x' }));
    } catch (error) {
      hint = (error as { hint: string }).hint;
    }
    expect(hint).toContain('Register the console at your provider');
    expect(hint).toContain('http://localhost:3000/auth/oidc/callback');
  });

  it('refuses an issuer that is not a URL', () => {
    expect(() => readConfig({ ...OIDC, COWORKERS_OIDC_ISSUER: 'sso.example.com' })).toThrow(/COWORKERS_OIDC_ISSUER is the OpenID provider's issuer URL/);
  });
});
