import { describe, expect, it } from 'vitest';
import type { PendingApproval } from '../approval-commands.ts';
import { approvalCard, cardActionFrom, decidedCard, editedArgs, goneCard, VERBS } from './teams-cards.ts';

const approval: PendingApproval = {
  id: 'appr-1',
  coworkerId: 'ava',
  toolCallId: 'call-1',
  tool: 'email.send',
  args: { to: ['agency@example.com'], subject: 'Weekly report', body: 'Spend is up 4%.\nDetails inside.' },
  risk: 'customer-facing',
  reason: 'email.send is customer-facing',
  summary: 'email.send to agency@example.com: Weekly report',
  argsHash: 'h',
  policyVersion: 'p',
  taskId: 'task-1',
  jobId: 'weekly-ad-report',
  approvers: ['U04MARIA01', '6f1c1a4e-58a2-4c1b-9f0e-2d3b8c7a9e10'],
  requestedAt: Date.UTC(2026, 11, 4, 9, 0),
  deadline: Date.UTC(2026, 11, 4, 13, 0),
};
const names: Record<string, string> = { U04MARIA01: 'Maria Lopez' };
const context = { coworker: { name: 'Ava' }, nameOf: (id: string) => names[id] ?? id, consoleUrl: 'https://coworkers.example.com' };
const texts = (card: unknown) => JSON.stringify(card);
const LINK = '[See the whole call in the console](https://coworkers.example.com/#/approvals/appr-1)';
/** What Teams counts against its 28 KB: the UTF-8 bytes of the card's JSON. */
const size = (card: unknown) => Buffer.byteLength(JSON.stringify(card));
/** Every "name: value" on the card, in order, as an approver reads it. */
const labelled = (card: { body: Record<string, unknown>[] }) =>
  JSON.stringify(card.body)
    .match(/"inlines":\[\{"type":"TextRun","text":"[^"]*: ","weight":"Bolder"\},\{"type":"TextRun","text":"(?:[^"\\]|\\.)*"\}\]/g)!
    .map((inlines) => (JSON.parse(`{${inlines}}`).inlines as Array<{ text: string }>).map((run) => run.text).join(''));

describe('the approval card', () => {
  it('shows who asks, why, the recipients first, the mail at a glance and any other argument, with the deadline and approvers by name', () => {
    const card = approvalCard(approval, context);
    expect(card).toMatchObject({ type: 'AdaptiveCard', version: '1.5' });
    const facts = card.body.find((element) => element.type === 'FactSet') as { facts: Array<{ title: string; value: string }> };
    expect(facts.facts).toEqual([
      { title: 'Tool', value: 'email.send' },
      { title: 'Risk', value: 'customer-facing' },
    ]);
    expect(labelled(card)).toEqual(['to: agency@example.com', 'Subject: Weekly report']);
    expect(texts(card)).toContain('Spend is up 4%.\\nDetails inside.');
    expect(texts(card)).not.toContain('Other arguments'); // nothing else to show
    const withMore = texts(approvalCard({ ...approval, args: { ...approval.args, attachments: ['q3.pdf'] } }, context));
    expect(withMore).toContain('"Other arguments"');
    expect(withMore).toContain('\u00a0\u00a0\\"attachments\\"');
    expect(texts(card)).toContain('**Ava** asks for approval · job weekly-ad-report');
    expect(texts(card)).toContain('Deadline: 2026-12-04 13:00 UTC · Approvers: Maria Lopez, 6f1c1a4e-58a2-4c1b-9f0e-2d3b8c7a9e10');
  });

  it('offers Approve, Reject with a reason, and Edit with the arguments filled in, each naming the approval', () => {
    const [approve, reject, edit] = approvalCard(approval, context).actions as Array<Record<string, any>>;
    const data = { coworkerId: 'ava', approvalId: 'appr-1' };
    expect(approve).toMatchObject({ type: 'Action.Execute', verb: VERBS.approve, data });
    expect(reject).toMatchObject({ type: 'Action.ShowCard', card: { body: [{ type: 'Input.Text', id: 'reason' }], actions: [{ type: 'Action.Execute', verb: VERBS.reject, data }] } });
    expect(edit).toMatchObject({ type: 'Action.ShowCard', card: { body: [{ type: 'Input.Text', id: 'args', value: JSON.stringify(approval.args, null, 2) }], actions: [{ verb: VERBS.edit, data }] } });
  });

  it('cuts huge arguments with a note and a link to the whole call rather than going past what Teams takes', () => {
    const big = { ...approval, summary: 's'.repeat(30_000), args: { to: 'a@example.com', body: 'x'.repeat(50_000), notes: '😀'.repeat(20_000) } };
    const card = approvalCard(big, context);
    expect(size(card)).toBeLessThan(28_000);
    expect(texts(card).split(`Cut here: Teams cannot show all of it. ${LINK}`)).toHaveLength(3); // the mail and the other arguments
    expect(texts(card)).toContain('too long to edit in Teams: [edit them in the console](https://coworkers.example.com/#/approvals/appr-1)');
  });

  // The mail of issue 14: a long body and subject pushed the cc out of sight.
  it('shows every recipient and the cc whole, first, beside a 20,000-character body and a long subject, under 28 KB', () => {
    const to = ['ceo@acme.com', 'cfo@acme.com', 'board@acme.com'];
    const subject = `Q3 numbers ${'and the plan for Q4, '.repeat(16)}`;
    const args = { body: 'Dear all,\n'.repeat(2000), to, subject, cc: 'attacker@evil.example' };
    for (const request of [{ ...approval, args, consequential: ['to', 'cc'] }, { ...approval, args }]) {
      const card = approvalCard(request, context);
      expect(size(card)).toBeLessThan(28_000);
      expect(labelled(card)).toEqual(['to: ceo@acme.com, cfo@acme.com, board@acme.com', 'cc: attacker@evil.example', `Subject: ${subject}`]);
      expect(texts(card)).toContain(`Cut here: Teams cannot show all of it. ${LINK}`);
      expect((card.actions as Array<{ title: string }>).map((action) => action.title)).toEqual(['Approve', 'Reject', 'Edit']);
      expect(labelled(decidedCard(request, { outcome: 'approved', by: 'U04MARIA01', at: 0 }, context)).slice(0, 2)).toEqual(labelled(card).slice(0, 2));
    }
    expect(subject.length).toBeGreaterThan(300);
  });

  it('shows the arguments a tool declares consequential first and whole, such as an amount and an account', () => {
    const args = { memo: 'm'.repeat(30_000), reference: 'INV-2026-0042', payee: 'Acme GmbH', account: 'DE89 3704 0044 0532 0130 00', amount: 12_500, currency: 'EUR' };
    const card = approvalCard({ ...approval, tool: 'bank.transfer', risk: 'money', args, consequential: ['payee', 'reference', 'amount', 'currency', 'account'] }, context);
    expect(size(card)).toBeLessThan(28_000);
    expect(labelled(card)).toEqual(['payee: Acme GmbH', 'reference: INV-2026-0042', 'amount: 12500', 'currency: EUR', 'account: DE89 3704 0044 0532 0130 00']);
    expect(texts(card)).toContain('"Other arguments"');
    expect(texts(card)).toContain(`Cut here: Teams cannot show all of it. ${LINK}`);
  });

  it('keeps 200 recipients whole, with less room for the rest; past what a card holds it says so and offers no Approve', () => {
    const address = (i: number) => `person.number.${i}.with.a.long.name@customers.example.com`;
    const many = approvalCard({ ...approval, args: { ...approval.args, to: Array.from({ length: 200 }, (_, i) => address(i)), body: 'x'.repeat(20_000) } }, context);
    expect(size(many)).toBeLessThan(28_000);
    expect(labelled(many)[0]).toBe(`to: ${Array.from({ length: 200 }, (_, i) => address(i)).join(', ')}`);
    const tooMany = approvalCard({ ...approval, args: { ...approval.args, to: Array.from({ length: 1_000 }, (_, i) => address(i)) } }, context);
    expect(size(tooMany)).toBeLessThan(28_000);
    expect(texts(tooMany)).toContain(`This call reaches more than one Teams card can show.** ${LINK}, and decide there.`);
    expect((tooMany.actions as Array<{ title: string }>).map((action) => action.title)).toEqual(['Reject', 'Edit']);
  });

  it('has a decided form: outcome, who by name, when, the reason, and no actions', () => {
    const card = decidedCard(approval, { outcome: 'rejected', by: 'U04MARIA01', at: Date.UTC(2026, 11, 4, 9, 30), reason: 'Not this week' }, context);
    expect(card.actions).toBeUndefined();
    expect(texts(card)).toContain('❌ Rejected** by Maria Lopez · 2026-12-04 09:30 UTC');
    expect(texts(card)).toContain('Reason: Not this week');
    expect(texts(decidedCard(approval, { outcome: 'edited', by: 'U04MARIA01', at: 0 }, context))).toContain('as a new approval');
    expect(goneCard(approval, context, 'No longer waiting.').actions).toBeUndefined();
  });
});

describe('card actions', () => {
  it('reads the verb, the approval and the inputs of an Action.Execute', () => {
    const value = { action: { type: 'Action.Execute', verb: VERBS.reject, data: { coworkerId: 'ava', approvalId: 'appr-1', reason: '  not now ' } } };
    expect(cardActionFrom(value)).toEqual({ verb: VERBS.reject, coworkerId: 'ava', approvalId: 'appr-1', reason: 'not now' });
    expect(cardActionFrom({ action: { verb: VERBS.reject, data: { coworkerId: 'ava', approvalId: 'appr-1', reason: '   ' } } })).toEqual({ verb: VERBS.reject, coworkerId: 'ava', approvalId: 'appr-1' });
  });

  it('refuses what is not an approval card action', () => {
    for (const value of [null, {}, { action: { verb: 'other', data: { coworkerId: 'a', approvalId: 'b' } } }, { action: { verb: VERBS.approve, data: { coworkerId: 'a' } } }, { action: { verb: VERBS.approve, data: { coworkerId: 1, approvalId: 'b' } } }]) {
      expect(cardActionFrom(value)).toBeNull();
    }
  });

  it('takes edited arguments only as a JSON object, and says what is wrong otherwise', () => {
    expect(editedArgs('{"to": "b@example.com"}')).toEqual({ args: { to: 'b@example.com' } });
    expect(editedArgs('{ nope')).toEqual({ error: expect.stringContaining('not valid JSON') });
    expect(editedArgs('[1, 2]')).toEqual({ error: expect.stringContaining('must be a JSON object') });
    expect(editedArgs(undefined)).toEqual({ error: expect.stringContaining('not valid JSON') });
  });
});
