import { describe, expect, it } from 'vitest';
import { consequentialArgs } from './consequential.ts';

describe('consequentialArgs', () => {
  it('takes the declared names present in the arguments first, in their declared order', () => {
    expect(consequentialArgs({ text: 'hi', contactId: 'CT-1', dealId: 'D-1' }, ['dealId', 'contactId', 'missing'])).toEqual(['dealId', 'contactId']);
  });

  it('adds well-known recipients and amounts in any case, in a fixed order whatever the arguments\' order', () => {
    const args = { body: 'x', Currency: 'EUR', BCC: ['b@x.io'], reply_to: 'r@x.io', cc: 'c@x.io', subject: 's', to: ['a@x.io'], url: 'https://x.io', amount: 5, account: 'DE1', channel: '#sales', replyTo: 'q@x.io' };
    expect(consequentialArgs(args)).toEqual(['to', 'cc', 'BCC', 'replyTo', 'reply_to', 'channel', 'url', 'amount', 'Currency', 'account']);
    expect(consequentialArgs(args, ['to', 'subject'])).toEqual(['to', 'subject', 'cc', 'BCC', 'replyTo', 'reply_to', 'channel', 'url', 'amount', 'Currency', 'account']);
  });

  it('takes ids only when declared, and leaves out arguments given as undefined', () => {
    expect(consequentialArgs({ dealId: 'D-1', id: 7, text: 'note' })).toEqual([]);
    expect(consequentialArgs({ dealId: 'D-1', id: 7 }, ['id'])).toEqual(['id']);
    expect(consequentialArgs({ to: undefined, cc: 'c@x.io' }, ['to'])).toEqual(['cc']);
  });

  it('names each argument once, and is empty for a call with nothing consequential', () => {
    expect(consequentialArgs({ to: 'a@x.io' }, ['to', 'to'])).toEqual(['to']);
    expect(consequentialArgs({ query: 'acme' })).toEqual([]);
  });
});
