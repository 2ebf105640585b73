import { describe, expect, it } from 'vitest';
import { approvalShown, approvalUrl } from './approval-facts.ts';

describe('approvalShown', () => {
  it('puts the consequential arguments first and whole, then a mail, then every other argument', () => {
    const args = { body: 'Hi', subject: 'Q3', to: ['a@x.io', 'b@x.io'], bcc: 'c@x.io', replyTo: 'r@x.io', attachments: ['q3.pdf'], draft: undefined };
    expect(approvalShown({ args, consequential: ['to'] })).toEqual({
      consequential: [
        { name: 'to', value: 'a@x.io, b@x.io' },
        { name: 'bcc', value: 'c@x.io' },
        { name: 'replyTo', value: 'r@x.io' },
      ],
      mail: { subject: 'Q3', body: 'Hi' },
      rest: { attachments: ['q3.pdf'] },
    });
  });

  it('finds recipients and amounts by name in a request that does not list them, and ids only where declared', () => {
    const args = { dealId: 'D-1', amount: 5, account: { iban: 'DE89' }, stage: 'won' };
    expect(approvalShown({ args }).consequential).toEqual([
      { name: 'amount', value: '5' },
      { name: 'account', value: '{"iban":"DE89"}' },
    ]);
    expect(approvalShown({ args, consequential: ['dealId', 'amount'] }).consequential.map((fact) => fact.name)).toEqual(['dealId', 'amount', 'account']);
    expect(approvalShown({ args }).mail).toBeUndefined();
  });

  it('shows what could hide a recipient: an empty value, control characters, a bidirectional override', () => {
    expect(approvalShown({ args: { cc: '', bcc: 'x@y.io\r\u001b[1A', to: 'moc.live@\u202eattacker' } }).consequential).toEqual([
      { name: 'to', value: 'moc.live@\\u202eattacker' },
      { name: 'cc', value: '""' },
      { name: 'bcc', value: 'x@y.io\\u000d\\u001b[1A' },
    ]);
  });
});

describe('approvalUrl', () => {
  it("is the console page of one approval, whatever the base URL's trailing slash", () => {
    expect(approvalUrl('https://coworkers.example.com/', 'ava:run 1/2')).toBe('https://coworkers.example.com/#/approvals/ava%3Arun%201%2F2');
    expect(approvalUrl('http://localhost:3000', 'a-1')).toBe('http://localhost:3000/#/approvals/a-1');
  });
});
