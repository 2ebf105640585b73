// The console with a big crew: how long the crew view takes to show every coworker after a
// page load, and how long typing in its filter takes until the next frame, in the real page in
// headless Chromium against the real console server (memory bus, SQLite with the coworkers).
import type { Page } from 'playwright-core';
import { startConsoleServer } from '../gateway/index.ts';
import { createMemoryBus } from '../messaging/index.ts';
import { createSqliteStore } from '../persistence/index.ts';
import { ephemeralSigner, type CoworkerStatus } from '../protocol/index.ts';
import { launchChromium } from '../scripts/chromium.ts';
import { manyDefinitions, quietLogger } from './fixtures.ts';

const USER = { login: 'bench', name: 'Bench Manager', slack: 'UMGR0', password: 'bench-password-1' };
const STATUSES: Array<CoworkerStatus['state']['status']> = ['idle', 'working', 'awaitingApproval', 'blocked'];

export interface ConsoleFigures {
  coworkers: number;
  /** Navigation start to every row in the page, median of the loads. */
  crewLoadMs: number;
  /** One keystroke in the filter to the next painted frame, median and worst. */
  filterP50Ms: number;
  filterMaxMs: number;
  crewJsonKB: number;
}

export async function consoleFigures(coworkers: number, loads = 5): Promise<ConsoleFigures> {
  const store = createSqliteStore({ path: ':memory:' });
  const bus = createMemoryBus();
  const definitions = manyDefinitions(coworkers);
  await store.registerCoworkers(definitions);
  for (const [index, definition] of definitions.entries()) {
    const status: CoworkerStatus = { state: { status: STATUSES[index % 4]!, shift: index % 3 ? 'onDuty' : 'offDuty' }, since: Date.now() - index * 1_000, backlog: index % 5 };
    await store.saveSnapshot(definition.id, 0, {}, status);
  }
  const server = await startConsoleServer({ bus, store, users: [USER], port: 0, logger: quietLogger, signer: ephemeralSigner() });
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(server.url);
    await page.getByTestId('login').fill(USER.login);
    await page.getByTestId('password').fill(USER.password);
    await page.getByTestId('sign-in-form').locator('button[type=submit]').click();
    await page.getByTestId('crew').waitFor();
    const loadTimes: number[] = [];
    for (let load = 0; load < loads; load++) loadTimes.push(await crewLoad(page, coworkers));
    const keystrokes = await filterTimes(page, 'bench-99');
    const crewJsonKB = await page.evaluate(async () => (await (await fetch('/api/crew')).text()).length / 1024);
    return { coworkers, crewLoadMs: median(loadTimes), filterP50Ms: median(keystrokes), filterMaxMs: Math.max(...keystrokes), crewJsonKB };
  } finally {
    await browser.close();
    await server.close();
    await store.close();
  }
}

/** Reloads the crew view and waits until it lists every coworker; ms since navigation started. */
async function crewLoad(page: Page, coworkers: number): Promise<number> {
  await page.reload();
  await page.waitForFunction((count) => document.querySelectorAll('[data-testid=coworker-row]').length === count, coworkers, { polling: 'raf', timeout: 60_000 });
  return page.evaluate(() => performance.now());
}

/** Types `text` one key at a time; each time from the keystroke to the frame painted after it. */
async function filterTimes(page: Page, text: string): Promise<number[]> {
  const filter = page.getByTestId('crew-filter');
  await filter.fill('');
  const times: number[] = [];
  for (const key of text) {
    await filter.focus();
    times.push(
      await page.evaluate((typed) => {
        const input = document.querySelector<HTMLInputElement>('[data-testid=crew-filter]')!;
        const started = performance.now();
        input.value += typed;
        input.dispatchEvent(new Event('input', { bubbles: true }));
        return new Promise<number>((done) => requestAnimationFrame(() => setTimeout(() => done(performance.now() - started))));
      }, key),
    );
  }
  return times;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}
