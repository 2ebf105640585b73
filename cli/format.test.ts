import { describe, expect, it } from 'vitest';
import type { PendingApproval } from '../gateway/index.ts';
import { formatApprovals } from './format.ts';

const base: PendingApproval = {
  id: 'appr-1',
  coworkerId: 'ava',
  toolCallId: 'call-1',
  tool: 'email.send',
  args: {},
  risk: 'customer-facing',
  reason: 'email.send is customer-facing',
  summary: 'Send the Q3 numbers',
  argsHash: 'h',
  policyVersion: 'p',
  taskId: 'task-1',
  approvers: ['U04MARIA01'],
  requestedAt: 0,
  deadline: null,
};

describe('formatApprovals', () => {
  // The mail of issue 14: a long body and subject pushed the cc out of sight.
  it('prints every recipient and the cc first and whole, then the whole subject and body', () => {
    const to = ['ceo@acme.com', 'cfo@acme.com', 'board@acme.com'];
    const subject = `Q3 numbers ${'and the plan for Q4, '.repeat(16)}`;
    const body = 'Dear all,\r\n'.repeat(2000);
    const text = formatApprovals([{ ...base, args: { body, to, subject, cc: 'attacker@evil.example' } }]);
    const lines = text.split('\n');
    expect(lines.slice(1, 5)).toEqual([
      '  why gated: email.send is customer-facing',
      '  to:        ceo@acme.com, cfo@acme.com, board@acme.com',
      '  cc:        attacker@evil.example',
      `  subject:   ${subject}`,
    ]);
    expect(lines.filter((line) => line.endsWith('Dear all,'))).toHaveLength(2000);
    expect(text).not.toContain('\r');
  });

  it('prints the arguments a tool declares consequential first, then the others as JSON', () => {
    const args = { memo: 'thanks', payee: 'Acme GmbH', account: 'DE89 3704 0044 0532 0130 00', amount: 12_500, currency: 'EUR' };
    const text = formatApprovals([{ ...base, tool: 'bank.transfer', risk: 'money', args, consequential: ['payee', 'amount', 'currency', 'account'] }]);
    expect(text.split('\n').slice(1, 9)).toEqual([
      '  why gated:       email.send is customer-facing',
      '  payee:           Acme GmbH',
      '  amount:          12500',
      '  currency:        EUR',
      '  account:         DE89 3704 0044 0532 0130 00',
      '  other arguments: {',
      '                     "memo": "thanks"',
      '                   }',
    ]);
  });

  it('shows what could hide text in a terminal as escapes', () => {
    const text = formatApprovals([{ ...base, args: { to: 'ok@acme.com\r\u001b[2Kcc: nobody', cc: 'moc.live@\u202eattacker' } }]);
    expect(text).toContain('  to:        ok@acme.com\\u000d\\u001b[2Kcc: nobody\n');
    expect(text).toContain('  cc:        moc.live@\\u202eattacker\n');
    expect(text).not.toMatch(/[\r\u001b\u202e]/);
  });
});
