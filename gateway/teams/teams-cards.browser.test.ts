// The approval cards as a Teams client takes them: parsed and rendered by Microsoft's Adaptive
// Cards renderer (`adaptivecards`) in a real headless Chromium, with its validation events as the
// judge, and clicked, so the data each Action.Execute sends (the card's inputs merged in, as Teams
// does) is what the gateway reads back. Screenshots go to .test-output/screenshots/.
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../../scripts/chromium.ts';
import type { PendingApproval } from '../approval-commands.ts';
import { approvalCard, cardActionFrom, decidedCard, VERBS, type AdaptiveCard } from './teams-cards.ts';

const RENDERER = fileURLToPath(new URL('../../node_modules/adaptivecards/dist/adaptivecards.min.js', import.meta.url));
const SCREENSHOTS = fileURLToPath(new URL('../../.test-output/screenshots/', import.meta.url));

const approval: PendingApproval = {
  id: 'appr-7',
  coworkerId: 'sam',
  toolCallId: 'call-7',
  tool: 'email.send',
  args: { to: ['jordan@acme.example'], subject: 'Picking up where we left off', body: 'Hi Jordan,\n\nShall we find 20 minutes next week to look at the **renewal**?\n\nSam' },
  risk: 'customer-facing',
  reason: 'email.send is customer-facing',
  summary: 'email.send to jordan@acme.example: Picking up where we left off',
  argsHash: 'h',
  policyVersion: 'p',
  taskId: 'task-7',
  jobId: 'revive-stale-deal',
  approvers: ['U04DANIEL2'],
  requestedAt: Date.UTC(2026, 11, 4, 9, 0),
  deadline: Date.UTC(2026, 11, 4, 13, 0),
};
const context = { coworker: { name: 'Sam' }, nameOf: (id: string) => (id === 'U04DANIEL2' ? 'Daniel Okafor' : id), consoleUrl: 'https://coworkers.example.com' };

interface Rendered {
  events: string[];
  height: number;
}

let browser: Browser;
let page: Page;

beforeAll(async () => {
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 520, height: 900 }, deviceScaleFactor: 2 });
  await page.setContent('<!doctype html><html><body style="margin:0;padding:12px;background:#f5f5f5;font-family:Segoe UI,Helvetica,Arial,sans-serif"><div id="card" style="background:#fff;max-width:480px"></div></body></html>');
  await page.addScriptTag({ path: RENDERER });
  // Teams renders the markdown subset of TextBlocks; the bare renderer needs it handed in (bold is what the cards use).
  await page.evaluate(() => {
    (window as any).AdaptiveCards.AdaptiveCard.onProcessMarkdown = (text: string, result: { outputHtml?: string; didProcess: boolean }) => {
      const escaped = text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
      result.outputHtml = escaped.replace(/\*\*(.+?)\*\*/g, '<strong>$1</strong>').replace(/\n/g, '<br>');
      result.didProcess = true;
    };
  });
  mkdirSync(SCREENSHOTS, { recursive: true });
});

afterAll(async () => {
  await browser?.close();
});

/** Parses and renders `card`; what the renderer said about it, and clicks recorded in window.executed. */
function render(card: AdaptiveCard): Promise<Rendered> {
  return page.evaluate((json) => {
    const AC = (window as any).AdaptiveCards;
    const adaptive = new AC.AdaptiveCard();
    const parsing = new AC.SerializationContext();
    adaptive.parse(json, parsing);
    const events: string[] = [];
    for (let i = 0; i < parsing.eventCount; i++) events.push(parsing.getEventAt(i).message);
    (window as any).executed = [];
    adaptive.onExecuteAction = (action: any) => (window as any).executed.push({ action: { type: 'Action.Execute', verb: action.verb, data: action.data } });
    const host = document.getElementById('card')!;
    host.replaceChildren(adaptive.render());
    const validation = adaptive.validateProperties();
    for (let i = 0; i < validation.validationEvents.length; i++) events.push(validation.validationEvents[i].message);
    return { events, height: host.getBoundingClientRect().height };
  }, card as unknown as Record<string, unknown>);
}

const executed = () => page.evaluate(() => (window as any).executed as unknown[]);
const clickButton = (title: string) => page.locator('#card button', { hasText: title }).first().click();

describe('the approval card in the Adaptive Cards renderer', () => {
  it('parses with no warnings and shows the mail and the arguments as written, markdown characters included', async () => {
    const rendered = await render(approvalCard(approval, context));
    expect(rendered.events).toEqual([]);
    const text = await page.locator('#card').innerText();
    for (const exact of ['Sam asks for approval · job revive-stale-deal', 'jordan@acme.example', 'Picking up where we left off', 'look at the **renewal**?', 'customer-facing', 'Daniel Okafor']) expect(text).toContain(exact);
    expect(text).toContain('to: jordan@acme.example');
    await page.screenshot({ path: `${SCREENSHOTS}teams-approval-card.png`, fullPage: true });
  });

  it('shows the cc of a 20,000-character mail, and says where it cut', async () => {
    const args = { to: ['a@acme.example', 'b@acme.example', 'c@acme.example'], cc: 'attacker@evil.example', subject: `Renewal${', terms and dates'.repeat(20)}`, body: 'Hi,\n'.repeat(5_000), trackOpens: true };
    const rendered = await render(approvalCard({ ...approval, args }, context));
    expect(rendered.events).toEqual([]);
    const text = await page.locator('#card').innerText();
    expect(text).toContain('to: a@acme.example, b@acme.example, c@acme.example\ncc: attacker@evil.example');
    expect(text).toContain(`Subject: ${args.subject}`);
    expect(text).toContain('Cut here: Teams cannot show all of it.');
    expect(text).toContain('"trackOpens": true');
    await page.screenshot({ path: `${SCREENSHOTS}teams-approval-card-long-mail.png`, fullPage: true });
  });

  it('sends the approval with Approve, the reason with Reject and the edited JSON with Edit', async () => {
    await render(approvalCard(approval, context));
    await clickButton('Approve');
    await clickButton('Reject');
    await page.locator('#card textarea').first().fill('Not before the QBR');
    await page.screenshot({ path: `${SCREENSHOTS}teams-approval-card-reject.png`, fullPage: true });
    await page.locator('#card button', { hasText: 'Reject' }).last().click();
    await clickButton('Edit');
    const editBox = page.locator('#card textarea').last();
    expect(JSON.parse(await editBox.inputValue())).toEqual(approval.args);
    await editBox.fill(JSON.stringify({ ...approval.args, to: ['casey@acme.example'] }));
    await clickButton('Send the edited call');
    const actions = (await executed()).map(cardActionFrom);
    expect(actions).toEqual([
      { verb: VERBS.approve, coworkerId: 'sam', approvalId: 'appr-7' },
      { verb: VERBS.reject, coworkerId: 'sam', approvalId: 'appr-7', reason: 'Not before the QBR' },
      { verb: VERBS.edit, coworkerId: 'sam', approvalId: 'appr-7', args: JSON.stringify({ ...approval.args, to: ['casey@acme.example'] }) },
    ]);
  });

  it('has a decided form with no buttons', async () => {
    const rendered = await render(decidedCard(approval, { outcome: 'approved', by: 'U04DANIEL2', at: Date.UTC(2026, 11, 4, 9, 12) }, context));
    expect(rendered.events).toEqual([]);
    expect(await page.locator('#card button').count()).toBe(0);
    expect(await page.locator('#card').innerText()).toContain('Approved by Daniel Okafor · 2026-12-04 09:12 UTC');
    await page.screenshot({ path: `${SCREENSHOTS}teams-approval-card-decided.png`, fullPage: true });
  });
});
