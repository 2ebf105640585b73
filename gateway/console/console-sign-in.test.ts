// Signing in to the console: one answer for every wrong attempt, the cookie's attributes, the
// limit on guessing, and logs that name the login and address but never a password.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { api, DANIEL, MARIA, signIn, startConsoleFixture, type ConsoleFixture } from './console-test-kit.ts';

let fixture: ConsoleFixture;
beforeEach(async () => {
  fixture = await startConsoleFixture();
});
afterEach(() => fixture.close());

const attempt = (login: string, password: string) => api(fixture.server, '/api/session', { body: { login, password } });

describe('POST /api/session', () => {
  it('signs in with a one-time password or a passwordHash, setting an HttpOnly SameSite=Strict cookie', async () => {
    const response = await attempt(MARIA.login, MARIA.password);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ user: { login: 'maria', name: 'Maria Lopez', id: 'U04MARIA01', admin: false } });
    // A random token (the store keeps its hash); no Secure without an https public URL.
    expect(response.headers.get('set-cookie')).toMatch(/^coworkers_session=[\w-]{43}; HttpOnly; SameSite=Strict; Path=\/; Max-Age=43200$/);
    const daniel = await signIn(fixture.server, DANIEL);
    expect(((await (await api(fixture.server, '/api/me', { cookie: daniel })).json()) as { user: { login: string } }).user.login).toBe('daniel');
  });

  it('answers a wrong password, an unknown login and a user without a password with the same 401', async () => {
    const answers = await Promise.all([attempt(MARIA.login, 'wrong'), attempt('nobody', MARIA.password), attempt('nopass', ''), attempt('nopass', 'anything')]);
    const bodies = await Promise.all(answers.map(async (response) => ({ status: response.status, body: await response.json(), cookie: response.headers.get('set-cookie') })));
    for (const body of bodies) expect(body).toEqual({ status: 401, body: { error: { code: 'SIGN_IN_FAILED', message: 'Wrong login or password.' } }, cookie: null });
  });

  it('logs each refused sign-in with the login and address, and never a password', async () => {
    await attempt(MARIA.login, 'secret-guess-1');
    await attempt('mallory', 'secret-guess-2');
    const refusals = fixture.logLines.filter((line) => String(line.msg).startsWith('console sign-in refused'));
    expect(refusals.map((line) => [line.login, line.address])).toEqual([
      ['maria', '127.0.0.1'],
      ['mallory', '127.0.0.1'],
    ]);
    await signIn(fixture.server, MARIA);
    const everything = JSON.stringify(fixture.logLines);
    for (const secret of ['secret-guess-1', 'secret-guess-2', MARIA.password]) expect(everything).not.toContain(secret);
    expect(fixture.logLines.some((line) => line.login === 'nopass' && String(line.msg).includes('has no passwordHash'))).toBe(true);
  });

  it('after 5 failures for one login answers 429 with Retry-After, even to the right password, until the window passes', async () => {
    for (let failure = 0; failure < 5; failure++) expect((await attempt(MARIA.login, `guess-${failure}`)).status).toBe(401);
    const limited = await attempt(MARIA.login, MARIA.password);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBe(15 * 60);
    fixture.clock.now += 10 * 60 * 1000;
    expect(Number((await attempt(MARIA.login, MARIA.password)).headers.get('retry-after'))).toBe(5 * 60);
    fixture.clock.now += 5 * 60 * 1000 + 1;
    expect((await attempt(MARIA.login, MARIA.password)).status).toBe(200);
  });

  it('after 5 failures from one address refuses other logins from it too', async () => {
    for (const login of ['a', 'b', 'c', 'd', 'e']) expect((await attempt(login, 'guess')).status).toBe(401);
    const limited = await attempt(DANIEL.login, DANIEL.password);
    expect(limited.status).toBe(429);
    expect(((await limited.json()) as { error: { code: string } }).error.code).toBe('TOO_MANY_ATTEMPTS');
  });

  it('a sign-in without JSON is refused (415)', async () => {
    const response = await fetch(new URL('/api/session', fixture.server.url), { method: 'POST', headers: { 'content-type': 'text/plain' }, body: JSON.stringify({ login: MARIA.login, password: MARIA.password }) });
    expect(response.status).toBe(415);
  });
});
