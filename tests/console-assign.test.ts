// The assignment form in a real headless Chromium, against an embedded runtime running the
// examples: Daniel moves Otto to Priya; the page shows the new manager, the crew its team names,
// and Priya (on sales, not Sam's manager) gets no form on Sam's page. Screenshots go to .test-output/screenshots/.
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '../cli/runtime.ts';
import { loadPeople, readAudit, type ConsoleServer } from '../gateway/index.ts';
import { examplesFolder, SCREENSHOTS, startExampleConsole } from './example-runtime.ts';

let runtime: Runtime;
let consoleServer: ConsoleServer;
let browser: Browser;
let close: () => Promise<void> = async () => {};

beforeAll(async () => {
  const dir = examplesFolder();
  const people = await loadPeople(dir);
  const users = people.users.map((user) => ({ ...user, password: `${user.login}-test-password` }));
  ({ runtime, consoleServer, browser, close } = await startExampleConsole(dir, { users, people }));
}, 60_000);

afterAll(() => close());

async function signedIn(login: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(consoleServer.url);
  await page.getByTestId('login').fill(login);
  await page.getByTestId('password').fill(`${login}-test-password`);
  await page.getByTestId('sign-in-form').locator('button[type=submit]').click();
  await page.getByTestId('crew').waitFor();
  return page;
}

describe('assigning in the console', () => {
  it('shows the teams by their names in teams.yaml', async () => {
    // Daniel is an admin (examples/users.yaml): he sees every team.
    const page = await signedIn('daniel');
    await expect.poll(() => page.locator('.team-head h2').allTextContents()).toEqual(['Marketing', 'Sales']);
    await page.close();
  });

  it("lets Otto's manager move him to another manager, and shows it at once, on other people's pages too", async () => {
    const watching = await signedIn('priya');
    const ottoRow = watching.locator('[data-testid=coworker-row][data-coworker-id=otto]');
    await expect.poll(() => ottoRow.textContent()).toContain('Daniel Okafor');
    const page = await signedIn('daniel');
    await page.goto(`${consoleServer.url}#/coworkers/otto`);
    const form = page.getByTestId('assign');
    await form.waitFor();
    expect(await page.getByTestId('assign-team').locator('option').allTextContents()).toEqual(['Sales', 'Marketing']);
    await page.screenshot({ path: join(SCREENSHOTS, 'assign-form.png'), fullPage: true });
    await page.getByTestId('assign-manager').selectOption('priya');
    await page.getByTestId('assign-submit').click();
    await expect.poll(() => form.locator('[role=status]').textContent(), { timeout: 10_000 }).toContain('otto is now on team Sales, reporting to Priya Shah');
    await expect.poll(() => page.locator('.coworker-head').textContent()).toContain('reports to Priya Shah');
    await page.screenshot({ path: join(SCREENSHOTS, 'assign-otto.png'), fullPage: true });
    // Daniel no longer manages Otto: the form is gone for him, what happened stays.
    await expect.poll(() => form.locator('form').isHidden()).toBe(true);
    expect(await form.isVisible()).toBe(true);
    expect((await readAudit(runtime.store, { coworkerId: 'otto' })).filter((entry) => entry.kind === 'assigned')).toEqual([
      expect.objectContaining({ by: 'U04DANIEL2', detail: { from: { team: 'sales', manager: 'U04DANIEL2' }, to: { team: 'sales', manager: 'U04PRIYA03' } } }),
    ]);
    // Priya's crew page, open all along, shows Otto's new manager without a reload.
    await expect.poll(() => ottoRow.textContent(), { timeout: 10_000 }).toContain('Priya Shah');
    await watching.close();
    await page.close();
  });

  it('offers no form to someone who does not manage the coworker', async () => {
    const page = await signedIn('priya');
    await page.goto(`${consoleServer.url}#/coworkers/sam`);
    await expect.poll(() => page.locator('.coworker-head').textContent()).toContain('reports to Daniel Okafor');
    expect(await page.getByTestId('assign').isHidden()).toBe(true);
    await page.close();
  });
});
