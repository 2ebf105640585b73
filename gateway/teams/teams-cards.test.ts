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
const context = { coworker: { name: 'Ava' }, nameOf: (id: string) => names[id] ?? id };
const texts = (card: unknown) => JSON.stringify(card);

describe('the approval card', () => {
  it('shows who asks, why, the mail at a glance and the exact arguments, with the deadline and approvers by name', () => {
    const card = approvalCard(approval, context);
    expect(card).toMatchObject({ type: 'AdaptiveCard', version: '1.5' });
    const facts = card.body.find((element) => element.type === 'FactSet') as { facts: Array<{ title: string; value: string }> };
    expect(facts.facts).toEqual([
      { title: 'Tool', value: 'email.send' },
      { title: 'Risk', value: 'customer-facing' },
      { title: 'To', value: 'agency@example.com' },
      { title: 'Subject', value: 'Weekly report' },
    ]);
    expect(texts(card)).toContain('Spend is up 4%.\\nDetails inside.');
    expect(texts(card)).toContain(JSON.stringify(JSON.stringify(approval.args, null, 2)).slice(1, -1));
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

  it('cuts huge arguments with a note rather than going past what Teams takes', () => {
    const big = { ...approval, args: { to: 'a@example.com', body: 'x'.repeat(50_000) } };
    const card = texts(approvalCard(big, context));
    expect(card.length).toBeLessThan(28_000);
    expect(card).toContain('cut here');
    expect(card).toContain('too long to edit in Teams');
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
