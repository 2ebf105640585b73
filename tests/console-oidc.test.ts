// Sign-in with OpenID Connect in a real headless Chromium, against a real, certified provider
// (panva's oidc-provider) on a loopback port: the console on http://localhost, the provider on
// http://127.0.0.1, two sites as in real life. Maria clicks "Sign in with …", signs in at the
// provider, consents, and lands in the console as maria; a stranger comes back to the sign-in page
// with a clear refusal; the password form still works. Screenshots go to .test-output/screenshots/.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startConsoleServer, type ConsoleServer } from '../gateway/console/console-server.ts';
import { startTestProvider, type TestProvider } from '../gateway/console/oidc-test-provider.ts';
import { createMemoryBus, type Bus } from '../messaging/index.ts';
import { createSqliteStore, type Store } from '../persistence/index.ts';
import { ephemeralSigner } from '../protocol/index.ts';
import { launchChromium } from '../scripts/chromium.ts';
import { SCREENSHOTS } from './example-runtime.ts';

const MARIA = { login: 'maria', name: 'Maria Lopez', slack: 'U04MARIA01', email: 'maria@example.com', password: 'maria-test-password' };
const DANIEL = { login: 'daniel', name: 'Daniel Okafor', slack: 'U04DANIEL2', email: 'daniel@example.com', password: 'daniel-test-password' };

let browser: Browser;
let provider: TestProvider;
let consoleServer: ConsoleServer;
let bus: Bus;
let store: Store;
let consoleUrl: string;

beforeAll(async () => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  bus = createMemoryBus();
  store = createSqliteStore({ path: ':memory:' });
  const logger = pino({ level: 'silent' });
  // The provider needs the redirect URI, hence the console's port, first: take a free one, then start on it.
  const probe = await startConsoleServer({ bus, store, users: [], port: 0, logger, signer: ephemeralSigner() });
  const port = probe.port;
  await probe.close();
  consoleUrl = `http://localhost:${port}/`;
  const redirectUri = new URL('auth/oidc/callback', consoleUrl).href;
  provider = await startTestProvider({
    redirectUri,
    accounts: {
      'maria.lopez': { email: 'Maria@Example.com', email_verified: true },
      stranger: { email: 'stranger@example.com', email_verified: true },
    },
  });
  consoleServer = await startConsoleServer({
    bus,
    store,
    users: [MARIA, DANIEL],
    port,
    logger,
    signer: ephemeralSigner(),
    oidc: { issuer: provider.issuer, clientId: provider.clientId, clientSecret: provider.clientSecret, redirectUri, allowInsecureRequests: true },
  });
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await consoleServer?.close();
  await provider?.close();
  await bus?.close();
  await store?.close();
});

const shot = (page: Page, name: string) => page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });

/** From the console's sign-in page through the provider's login and consent pages. */
async function signInWithProvider(page: Page, login: string): Promise<void> {
  await page.goto(consoleUrl);
  const button = page.getByTestId('sign-in-oidc-link');
  await button.waitFor();
  await button.click();
  await page.waitForURL((url) => url.origin === provider.issuer);
  await page.locator('input[name=login]').fill(login);
  await page.locator('input[name=password]').fill('anything');
  await page.locator('button[type=submit]').click();
  await page.getByRole('button', { name: 'Continue' }).click();
}

describe('sign-in with OpenID Connect in a browser', () => {
  it('shows "Sign in with your company account" beside the password form', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(consoleUrl);
    await expect.poll(() => page.getByTestId('sign-in-oidc-link').textContent()).toBe('Sign in with your company account');
    await expect.poll(() => page.getByTestId('password').isVisible()).toBe(true);
    await shot(page, 'sign-in-oidc');
    await page.close();
  });

  it('signs Maria in through the provider as maria of users.yaml', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await signInWithProvider(page, 'maria.lopez');
    await page.waitForURL((url) => url.origin === new URL(consoleUrl).origin && url.pathname === '/');
    await expect.poll(() => page.locator('.user-name').textContent(), { timeout: 10_000 }).toContain('Maria Lopez');
    const me = await page.evaluate(async () => (await fetch('/api/me')).json());
    expect(me.user).toMatchObject({ login: 'maria', id: MARIA.slack });
    await shot(page, 'signed-in-oidc');
    const audit = await store.queryAudit({ coworkerId: 'console' });
    expect(audit.some((entry) => entry.kind === 'console.signed-in' && entry.by === MARIA.slack && entry.detail?.via === 'oidc')).toBe(true);
    await page.close();
  });

  it('sends a stranger back to the sign-in page saying why', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await signInWithProvider(page, 'stranger');
    await expect.poll(() => page.getByTestId('sign-in-error').textContent(), { timeout: 10_000 }).toContain('Nobody with your email address may use this console');
    expect(new URL(page.url()).search).toBe(''); // shown once: a reload does not show it again
    expect((await page.evaluate(async () => (await fetch('/api/me')).status))).toBe(401);
    await shot(page, 'sign-in-oidc-refused');
    await page.close();
  });

  it('keeps the password sign-in working', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(consoleUrl);
    await page.getByTestId('login').fill(DANIEL.login);
    await page.getByTestId('password').fill(DANIEL.password);
    await page.getByTestId('sign-in-form').locator('button[type=submit]').click();
    await expect.poll(() => page.locator('.user-name').textContent(), { timeout: 10_000 }).toContain('Daniel Okafor');
    await page.close();
  });
});
