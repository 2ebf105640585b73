// The console in a real headless Chromium against an embedded runtime running the examples with
// their real connectors: sign in, see the crew, watch Sam's statechart, approve his drafted email
// and see the state move on without a reload. Screenshots go to .test-output/screenshots/.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPeople, type ConsoleServer } from '../gateway/index.ts';
import { examplesFolder, SCREENSHOTS, startExampleConsole } from './example-runtime.ts';
import { waitFor } from './helpers.ts';

const DANIEL = { login: 'daniel', name: 'Daniel Okafor', slack: 'U04DANIEL2', password: 'daniel-test-password' };
const MARIA = { login: 'maria', name: 'Maria Lopez', slack: 'U04MARIA01', password: 'maria-test-password' };

let consoleServer: ConsoleServer;
let browser: Browser;
let dataDir: string;
let close: () => Promise<void> = async () => {};

beforeAll(async () => {
  const dir = examplesFolder();
  dataDir = join(dir, 'data');
  // The examples' teams.yaml: Daniel (an admin in users.yaml) sees both teams, Maria only marketing.
  ({ consoleServer, browser, close } = await startExampleConsole(dir, { users: [{ ...DANIEL, role: 'admin' }, MARIA], people: await loadPeople(dir) }));
}, 60_000);

afterAll(() => close());

async function newPage(): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await page.goto(consoleServer.url);
  return page;
}

async function signIn(page: Page, user: { login: string; password: string }): Promise<void> {
  await page.getByTestId('login').fill(user.login);
  await page.getByTestId('password').fill(user.password);
  await page.getByTestId('sign-in-form').locator('button[type=submit]').click();
}

const shot = (page: Page, name: string) => page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });

describe('the console in a browser', () => {
  it('refuses a wrong password, and an API call without a session', async () => {
    const page = await newPage();
    await signIn(page, { login: 'daniel', password: 'not-his-password' });
    await expect.poll(() => page.getByTestId('sign-in-error').textContent()).toMatch(/\S/);
    await shot(page, 'sign-in-refused');
    expect(await page.getByTestId('crew').count()).toBe(0);
    const answer = await page.evaluate(async () => {
      const response = await fetch('/api/crew');
      return { status: response.status, body: await response.text() };
    });
    expect(answer.status).toBe(401);
    expect(answer.body).not.toContain('ava');
    await page.close();
  });

  it('shows the crew with every coworker and its state', async () => {
    const page = await newPage();
    await signIn(page, DANIEL);
    await page.getByTestId('crew').waitFor();
    const rows = page.getByTestId('coworker-row');
    await expect.poll(() => rows.count()).toBe(3);
    expect((await rows.evaluateAll((elements) => elements.map((element) => element.getAttribute('data-coworker-id')))).sort()).toEqual(['ava', 'otto', 'sam']);
    // The CRM's stale check started Sam's follow-up when the runtime started; he waits for an approval.
    await expect.poll(() => page.locator('[data-testid=coworker-row][data-coworker-id=sam] [data-testid=state-pill]').getAttribute('data-status'), { timeout: 15_000 }).toBe('awaitingApproval');
    await shot(page, 'crew');
    await page.getByTestId('crew-filter').fill('sales');
    await expect.poll(() => rows.evaluateAll((elements) => elements.filter((element) => !(element as HTMLElement).hidden && (element as HTMLElement).offsetParent !== null).length)).toBe(2);
    await page.close();
  });

  it("highlights Sam's current state in his statechart, and moves it live when Daniel approves the email", async () => {
    const page = await newPage();
    await signIn(page, DANIEL);
    await page.getByTestId('crew').waitFor();
    await page.goto(`${consoleServer.url}#/coworkers/sam`);
    const statechart = page.getByTestId('statechart');
    const active = () => statechart.locator('g.state.active').evaluateAll((groups) => groups.map((group) => group.getAttribute('data-state-id')).sort());
    await expect.poll(active, { timeout: 15_000 }).toEqual(['coworker.shift.onDuty', 'coworker.status.awaitingApproval']);
    await shot(page, 'coworker-sam');

    await page.getByRole('link', { name: /approvals/i }).first().click();
    const approval = page.getByTestId('approval').filter({ hasText: 'email.send' }).first();
    await approval.waitFor();
    await expect.poll(() => approval.textContent()).toMatch(/@(umbrella|initech)\.example/);
    await shot(page, 'approvals');
    // The page Slack and Teams link to: this approval alone, its recipients first.
    const approvalId = await approval.getAttribute('data-approval-id');
    await page.evaluate((hash) => (location.hash = hash), `#/approvals/${encodeURIComponent(approvalId!)}`);
    await expect.poll(() => page.getByTestId('approval').count()).toBe(1);
    const consequential = approval.getByTestId('consequential');
    expect(await consequential.locator('dt').first().textContent()).toBe('to');
    expect(await consequential.locator('dd').first().textContent()).toMatch(/@(umbrella|initech)\.example/);
    await shot(page, 'approval-one');
    await approval.getByTestId('approve').click();
    await approval.getByTestId('approve-confirm').click();
    const outbox = join(dataDir, 'outbox');
    await waitFor(async () => readdirSync(outbox, { withFileTypes: true }).length > 0 || undefined, 'the sent mail in the outbox');

    // Back on Sam's page, without reloading: he sent it, went back to work, and now asks to update the deal.
    await page.evaluate(() => (location.hash = '#/coworkers/sam'));
    await expect.poll(() => page.getByTestId('timeline').locator('li').count(), { timeout: 15_000 }).toBeGreaterThanOrEqual(2);
    await expect.poll(() => page.getByTestId('timeline').textContent()).toMatch(/working/i);
    await expect.poll(active, { timeout: 15_000 }).toEqual(['coworker.shift.onDuty', 'coworker.status.awaitingApproval']);
    await shot(page, 'coworker-sam-after-approval');
    await page.close();
  });

  it("shows Maria, a viewer of marketing, her team only: Ava in the crew, none of Sam's approvals, 403 for his audit trail and a task", async () => {
    const page = await newPage();
    await signIn(page, MARIA);
    await page.getByTestId('crew').waitFor();
    const rows = page.getByTestId('coworker-row');
    await expect.poll(() => rows.count()).toBe(1);
    expect(await rows.first().getAttribute('data-coworker-id')).toBe('ava');
    await shot(page, 'crew-marketing-viewer');
    await page.goto(`${consoleServer.url}#/approvals`);
    await page.waitForTimeout(500);
    expect(await page.getByTestId('approval').filter({ hasText: 'crm.updateDeal' }).count()).toBe(0);
    const answer = await page.evaluate(async () => {
      const audit = await fetch('/api/audit?coworker=sam');
      const task = await fetch('/api/coworkers/sam/tasks', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text: 'Email everyone' }) });
      return [audit.status, task.status];
    });
    expect(answer).toEqual([403, 403]);
    await page.close();
  });

  it("gives Otto a task from the chat panel and shows his reply, live", async () => {
    const page = await newPage();
    await signIn(page, DANIEL);
    await page.getByTestId('crew').waitFor();
    await page.goto(`${consoleServer.url}#/coworkers/otto`);
    await page.getByTestId('chat-input').fill('Which customer calls do I have this week?');
    await page.getByTestId('chat-send').click();
    const messages = page.getByTestId('chat-messages');
    await expect.poll(() => messages.textContent(), { timeout: 15_000 }).toContain('Otto received: "Which customer calls do I have this week?"');
    await shot(page, 'chat-otto');
    await page.close();
  });

  it('shows the audit trail of a coworker', async () => {
    const page = await newPage();
    await signIn(page, DANIEL);
    await page.getByTestId('crew').waitFor();
    await page.goto(`${consoleServer.url}#/audit`);
    const table = page.getByTestId('audit-table');
    await table.waitFor();
    await page.locator('select').first().selectOption('sam');
    await expect.poll(() => table.textContent(), { timeout: 10_000 }).toContain('approval.decided');
    await shot(page, 'audit');
    await page.close();
  });
});
