import type { ActionsBlock, Button, InputBlock, KnownBlock, ModalView, PlainTextInput, SectionBlock } from '@slack/types';
import { describe, expect, it } from 'vitest';
import type { PendingApproval } from '../approval-commands.ts';
import {
  ACTIONS,
  EDIT_BLOCK_ID,
  VIEWS,
  approvalMessage,
  argsFrom,
  decidedMessage,
  decodeRef,
  editModal,
  encodeRef,
  escapeMrkdwn,
  reasonFrom,
  rejectModal,
  reportMessage,
  type SubmittedView,
} from './slack-blocks.ts';

const ada = { id: 'ada', name: 'Ada', icon: ':robot_face:' };
const CONSOLE = 'https://coworkers.example.com/';
const LINK = '<https://coworkers.example.com/#/approvals/appr-1|See the whole call in the console>';
const deadline = Date.UTC(2026, 10, 23, 17, 0);

function approval(overrides: Partial<PendingApproval> = {}): PendingApproval {
  return {
    coworkerId: 'ada',
    id: 'appr-1',
    toolCallId: 'call-1',
    tool: 'email.send',
    args: { to: 'ceo@acme.com', subject: 'Q3 numbers & <plan>', body: 'Hi,\nrevenue is up 12%.\nAda' },
    risk: 'customer-facing',
    reason: 'email.send is customer-facing, which the policy gates',
    summary: 'Send the Q3 numbers to the CEO of Acme',
    argsHash: 'hash',
    policyVersion: 'v1',
    taskId: 'task-1',
    jobId: 'weekly-report',
    approvers: ['U0MANAGER'],
    requestedAt: deadline - 3_600_000,
    deadline,
    ...overrides,
  };
}

const sections = (blocks: KnownBlock[]) => blocks.filter((block): block is SectionBlock => block.type === 'section');
const allText = (blocks: KnownBlock[]) => JSON.stringify(blocks);
const buttonsOf = (blocks: KnownBlock[]) => blocks.filter((block): block is ActionsBlock => block.type === 'actions').flatMap((block) => block.elements as Button[]);

/** Slack's limits on a message: 50 blocks, 3,000 characters a section text, 2,000 a field, 4,000 the notification text. */
function expectWithinLimits(message: { text: string; blocks: KnownBlock[] }) {
  expect(message.text.length).toBeLessThanOrEqual(4000);
  expect(message.blocks.length).toBeLessThanOrEqual(50);
  for (const block of sections(message.blocks)) {
    expect(block.text!.text.length).toBeLessThanOrEqual(3000);
    expect(block.text!.text.trim()).not.toBe('');
    for (const field of block.fields ?? []) expect(field.text.length).toBeLessThanOrEqual(2000);
  }
}

/** What Slack sends back when the modal is submitted with `value` typed into its input. */
function submit(view: ModalView, value: string | null): SubmittedView {
  const input = view.blocks.find((block): block is InputBlock => block.type === 'input')!;
  return { state: { values: { [input.block_id!]: { [(input.element as PlainTextInput).action_id!]: { value } } } } };
}

describe('approval message', () => {
  it('shows the exact call: the recipient first, then subject and body, and any other argument as JSON', () => {
    const message = approvalMessage(ada, approval(), CONSOLE);
    const texts = sections(message.blocks).map((block) => block.text!.text);
    expect(texts[1]).toBe('*to:* ceo@acme.com');
    expect(texts[2]).toBe('*Subject:* Q3 numbers &amp; &lt;plan&gt;\n>Hi,\n>revenue is up 12%.\n>Ada');
    expect(texts.some((text) => text.includes('```'))).toBe(false); // nothing else to show
    const withMore = sections(approvalMessage(ada, approval({ args: { ...approval().args, attachments: ['q3.pdf'] } }), CONSOLE).blocks).at(-1)!.text!.text;
    expect(withMore).toBe('*Other arguments*\n```\n{\n  "attachments": [\n    "q3.pdf"\n  ]\n}\n```');
    expect(allText(message.blocks)).not.toContain('<plan>');
    expect(message.text).toContain('Send the Q3 numbers to the CEO of Acme');
    expectWithinLimits(message);
  });

  it('names the coworker, its job, the tool, the risk, why it asks, the approvers and the deadline', () => {
    const text = allText(approvalMessage(ada, approval(), CONSOLE).blocks);
    for (const part of [':robot_face: *Ada*', '`weekly-report`', '`email.send`', 'customer-facing', 'which the policy gates', '<@U0MANAGER>']) {
      expect(text).toContain(part);
    }
    expect(text).toContain(`<!date^${deadline / 1000}^{date_short_pretty} {time}|2026-11-23T17:00:00.000Z>`);
    expect(allText(approvalMessage(ada, approval({ deadline: null }), CONSOLE).blocks)).toContain('no deadline');
  });

  it('shows an icon URL as an image', () => {
    const [header] = approvalMessage({ ...ada, icon: 'https://example.com/ada.png' }, approval(), CONSOLE).blocks;
    expect(header).toMatchObject({ type: 'context', elements: [{ type: 'image', image_url: 'https://example.com/ada.png' }, { type: 'mrkdwn' }] });
  });

  it('has Approve, Reject and Edit buttons that carry the approval', () => {
    const buttons = buttonsOf(approvalMessage(ada, approval(), CONSOLE).blocks);
    expect(buttons.map((button) => [button.action_id, button.style])).toEqual([
      [ACTIONS.approve, 'primary'],
      [ACTIONS.reject, 'danger'],
      [ACTIONS.edit, undefined],
    ]);
    for (const button of buttons) expect(decodeRef(button.value!)).toEqual({ coworkerId: 'ada', approvalId: 'appr-1' });
  });

  it('asks "are you sure?" before approving a risky call only', () => {
    const [risky] = buttonsOf(approvalMessage(ada, approval(), CONSOLE).blocks);
    expect(risky!.confirm?.text.text).toContain('customer-facing');
    const [plainWrite] = buttonsOf(approvalMessage(ada, approval({ risk: 'write' }), CONSOLE).blocks);
    expect(plainWrite!.confirm).toBeUndefined();
  });

  it('cuts long arguments with a note and a link to the whole call, and stays within the limits', () => {
    const long = approval({ args: { to: 'a@b.c', subject: 'Long', body: 'x & y <z>\n'.repeat(2000), attachments: Array.from({ length: 500 }, (_, i) => `file-${i}.pdf`) } });
    const message = approvalMessage(ada, long, CONSOLE);
    expectWithinLimits(message);
    const json = sections(message.blocks).find((block) => block.text!.text.includes('```'))!.text!.text;
    expect(json.endsWith(`\`\`\`\n_Arguments cut here: Slack cannot show all of them._ ${LINK}`)).toBe(true);
    expect(json).not.toMatch(/&(a|am|amp|l|lt|g|gt)?\n/); // no entity cut in half
    const mail = sections(message.blocks).find((block) => block.text!.text.includes('*Subject:*'))!.text!.text;
    expect(mail.endsWith(`\n_Cut here: Slack cannot show all of it._ ${LINK}`)).toBe(true);
  });

  // The mail of issue 14: a long body and subject pushed the cc out of sight.
  it('shows every recipient and the cc whole, before a 20,000-character body and a long subject, and says where it cut', () => {
    const to = ['ceo@acme.com', 'cfo@acme.com', 'board@acme.com'];
    const subject = `Q3 numbers ${'and the plan for Q4, '.repeat(16)}`;
    const args = { body: 'Dear all,\n'.repeat(2000), to, subject, cc: 'attacker@evil.example' };
    const message = approvalMessage(ada, approval({ args, consequential: ['to', 'cc'] }), CONSOLE);
    expectWithinLimits(message);
    const texts = sections(message.blocks).map((block) => block.text!.text);
    expect(subject.length).toBeGreaterThan(300);
    expect(texts[1]).toBe('*to:* ceo@acme.com, cfo@acme.com, board@acme.com\n*cc:* attacker@evil.example');
    expect(texts[2]).toContain(`*Subject:* ${subject}\n>Dear all,`);
    expect(texts[2]!.endsWith(`_Cut here: Slack cannot show all of it._ ${LINK}`)).toBe(true);
    // An older request without `consequential` shows the same: recipients are known by name.
    expect(sections(approvalMessage(ada, approval({ args }), CONSOLE).blocks)[1]!.text!.text).toBe(texts[1]);
    expect(sections(decidedMessage(ada, approval({ args }), { outcome: 'approved', by: 'U0MANAGER', at: deadline }, CONSOLE).blocks)[1]!.text!.text).toBe(texts[1]);
  });

  it('shows the arguments a tool declares consequential first and whole, such as an amount and an account', () => {
    const args = { memo: 'm'.repeat(10_000), reference: 'INV-2026-0042', payee: 'Acme GmbH', account: 'DE89 3704 0044 0532 0130 00', amount: 12_500, currency: 'EUR' };
    const message = approvalMessage(ada, approval({ tool: 'bank.transfer', risk: 'money', args, consequential: ['payee', 'reference', 'amount', 'currency', 'account'] }), CONSOLE);
    expectWithinLimits(message);
    const texts = sections(message.blocks).map((block) => block.text!.text);
    expect(texts[1]).toBe('*payee:* Acme GmbH\n*reference:* INV-2026-0042\n*amount:* 12500\n*currency:* EUR\n*account:* DE89 3704 0044 0532 0130 00');
    expect(texts[2]).toMatch(/^\*Other arguments\*\n```\n\{\n {2}"memo": "m+/);
    expect(texts[2]).not.toContain('"amount"');
    expect(texts[2]!.endsWith(LINK)).toBe(true);
  });

  it('splits 200 recipients over several sections rather than cutting any', () => {
    const to = Array.from({ length: 200 }, (_, i) => `person.number.${i}.with.a.long.name@customers.example.com`);
    const message = approvalMessage(ada, approval({ args: { to, subject: 'Hello', body: 'Hi' } }), CONSOLE);
    expectWithinLimits(message);
    const facts = sections(message.blocks).slice(1, -1).map((block) => block.text!.text).join(' ');
    expect(sections(message.blocks).length).toBeGreaterThan(5);
    for (const address of to) expect(facts).toContain(address);
    expect(allText(message.blocks)).not.toContain('(cut)');
    expect(buttonsOf(message.blocks)[0]!.action_id).toBe(ACTIONS.approve);
  });

  it('says so, and offers no Approve, when the recipients are more than one message can hold', () => {
    const to = Array.from({ length: 3_000 }, (_, i) => `person.number.${i}.with.a.long.name@customers.example.com`);
    const message = approvalMessage(ada, approval({ args: { to, subject: 'Hello', body: 'Hi' } }), CONSOLE);
    expectWithinLimits(message);
    expect(allText(message.blocks)).toContain(`This call reaches more than one Slack message can show.* ${LINK}, and decide there.`);
    expect(buttonsOf(message.blocks).map((button) => button.action_id)).toEqual([ACTIONS.reject, ACTIONS.edit]);
  });

  it('shows a call that is not an email as JSON, after the record it changes when the tool declares it', () => {
    const plainCall = approval({ tool: 'crm.update', args: { dealId: 'd-1', stage: 'won' } });
    const texts = sections(approvalMessage(ada, plainCall, CONSOLE).blocks).map((block) => block.text!.text);
    expect(texts.some((text) => text.includes('*Subject:*'))).toBe(false);
    expect(texts[1]).toMatch(/^\*Arguments\*\n```\n\{\n {2}"dealId": "d-1",/);
    const declared = sections(approvalMessage(ada, { ...plainCall, consequential: ['dealId'] }, CONSOLE).blocks).map((block) => block.text!.text);
    expect(declared.slice(1, 3)).toEqual(['*dealId:* d-1', '*Other arguments*\n```\n{\n  "stage": "won"\n}\n```']);
  });
});

describe('decided message', () => {
  it('says who decided what and when, without buttons', () => {
    const at = Date.UTC(2026, 10, 23, 16, 0);
    const message = decidedMessage(ada, approval(), { outcome: 'rejected', by: 'U0MANAGER', at, reason: 'Not before the board <meeting>' }, CONSOLE);
    expect(message.blocks.some((block) => block.type === 'actions')).toBe(false);
    const last = sections(message.blocks).at(-1)!.text!.text;
    expect(last).toContain('*Rejected* by <@U0MANAGER>');
    expect(last).toContain(`<!date^${at / 1000}^`);
    expect(last).toContain('*Reason:* Not before the board &lt;meeting&gt;');
    expect(message.text).toContain('rejected by U0MANAGER');
    expect(allText(message.blocks)).toContain('ceo@acme.com'); // still shows what was decided
    expectWithinLimits(message);
  });

  it('says an edit goes out again as a new approval', () => {
    const message = decidedMessage(ada, approval(), { outcome: 'edited', by: 'U0MANAGER', at: deadline }, CONSOLE);
    expect(sections(message.blocks).at(-1)!.text!.text).toMatch(/^:pencil2: \*Edited\* by <@U0MANAGER> · <!date\^.*\nThe edited call goes to the approvers as a new approval\.$/);
  });

  it('shows a policy decision as text', () => {
    const message = decidedMessage(ada, approval(), { outcome: 'expired', by: 'policy:deadline', at: deadline }, CONSOLE);
    expect(sections(message.blocks).at(-1)!.text!.text).toMatch(/^:hourglass: \*Expired\* by policy:deadline · <!date\^/);
  });
});

describe('modals', () => {
  const ref = { coworkerId: 'ada', approvalId: 'appr-1', channel: 'C0APPROVALS', ts: '1700000000.000100' };
  const fits = (view: ModalView) => {
    for (const label of [view.title, view.submit, view.close]) expect((label?.text ?? '').length).toBeLessThanOrEqual(24);
  };

  it('reject: carries the message to update and reads the reason, or none', () => {
    const view = rejectModal(ref, approval());
    expect(view.callback_id).toBe(VIEWS.reject);
    expect(decodeRef(view.private_metadata!)).toEqual(ref);
    fits(view);
    expect(reasonFrom(submit(view, '  Wrong recipient  '))).toBe('Wrong recipient');
    expect(reasonFrom(submit(view, ''))).toBeUndefined();
    expect(reasonFrom(submit(view, null))).toBeUndefined();
    expect(reasonFrom({ state: { values: {} } })).toBeUndefined();
  });

  it('edit: offers the arguments as JSON and reads them back', () => {
    const view = editModal(ref, approval());
    expect(view.callback_id).toBe(VIEWS.edit);
    expect(decodeRef(view.private_metadata!)).toEqual(ref);
    fits(view);
    const input = view.blocks.find((block): block is InputBlock => block.type === 'input')!;
    expect(input.block_id).toBe(EDIT_BLOCK_ID);
    const json = (input.element as PlainTextInput).initial_value!;
    expect(JSON.parse(json)).toEqual(approval().args); // unescaped: it is what the person edits
    expect(argsFrom(submit(view, json))).toEqual({ args: approval().args });
    expect(argsFrom(submit(view, json.replace('ceo@', 'cfo@')))).toEqual({ args: { ...approval().args, to: 'cfo@acme.com' } });
  });

  it('edit: refuses what is not a JSON object', () => {
    const view = editModal(ref, approval());
    for (const junk of ['{"to": ', '["a@b.c"]', '"text"', 'null', '']) {
      const result = argsFrom(submit(view, junk));
      expect(result).toEqual({ error: expect.any(String) });
    }
    expect(argsFrom(submit(view, '[1]'))).toEqual({ error: expect.stringContaining('JSON object') });
  });

  it('edit: says so instead of offering arguments longer than Slack lets a modal edit', () => {
    const view = editModal(ref, approval({ args: { body: 'x'.repeat(3000) } }));
    expect(view.blocks.some((block) => block.type === 'input')).toBe(false);
    expect(view.submit).toBeUndefined();
    expect(JSON.stringify(view.blocks)).toContain('more than Slack lets a modal edit');
  });
});

describe('refs', () => {
  it('round-trip and refuse junk clearly', () => {
    expect(decodeRef(encodeRef({ coworkerId: 'ada', approvalId: 'a-1' }))).toEqual({ coworkerId: 'ada', approvalId: 'a-1' });
    for (const junk of ['', 'approve', '{}', '[]', 'null', '{"coworkerId":"ada"}', '{"coworkerId":"ada","approvalId":"a","ts":5}']) {
      expect(() => decodeRef(junk)).toThrow(/Not an approval reference/);
    }
  });
});

describe('report message', () => {
  it('turns markdown into mrkdwn, escaped, leaving code alone', () => {
    const { blocks, text } = reportMessage(
      '# Weekly report #\n**3 deals** moved, see [the board](https://crm.example.com/b?x=1&y=2).\nA < B & C\n```ts\nconst x = a **b** c;\n```',
    );
    expect(blocks).toHaveLength(1);
    expect(sections(blocks)[0]!.text!.text).toBe(
      '*Weekly report*\n*3 deals* moved, see <https://crm.example.com/b?x=1&amp;y=2|the board>.\nA &lt; B &amp; C\n```\nconst x = a **b** c;\n```',
    );
    expect(text).toBe(sections(blocks)[0]!.text!.text);
  });

  it('splits a 20,000-character report into sections within the limits', () => {
    const paragraph = `${'word & <tag> '.repeat(40)}**end**\n\n`;
    const markdown = paragraph.repeat(Math.ceil(20_000 / paragraph.length)).slice(0, 20_000);
    const message = reportMessage(markdown);
    expectWithinLimits(message);
    expect(message.blocks.length).toBeGreaterThan(6);
    expect(message.text).toMatch(/… \(cut\)$/);
    for (const block of sections(message.blocks)) expect(block.text!.text).not.toMatch(/&(a|am|amp|l|lt|g|gt)?$/);
  });

  it('never cuts an entity, a link or an emoji in half', () => {
    for (const markdown of ['<&>'.repeat(4000), `[a link](https://example.com/${'x'.repeat(200)})`.repeat(60), '😀'.repeat(4000)]) {
      const message = reportMessage(markdown);
      expectWithinLimits(message);
      for (const { text } of sections(message.blocks)) {
        expect(text!.text).not.toMatch(/&(a|am|amp|l|lt|g|gt)?$/);
        expect(text!.text).not.toMatch(/^(amp|mp|p|lt|gt|t);/);
        expect(text!.text.split('<').length).toBe(text!.text.split('>').length);
        expect(text!.text).not.toMatch(/[\uD800-\uDBFF]$|^[\uDC00-\uDFFF]/);
      }
    }
    const args = sections(approvalMessage(ada, approval({ args: { body: '<'.repeat(3000) } }), CONSOLE).blocks).at(-1)!.text!.text;
    expect(args).toMatch(/(&lt;)+"?\n```\n_Arguments cut here/);
  });

  it('packs 200 short lines into few sections', () => {
    const message = reportMessage(Array.from({ length: 200 }, (_, i) => `- item ${i}`).join('\n'));
    expectWithinLimits(message);
    expect(message.blocks).toHaveLength(1);
    expect(sections(message.blocks)[0]!.text!.text).toContain('- item 199');
  });

  it('keeps at most 50 sections and says it cut', () => {
    const message = reportMessage(`${'a long line of the report\n'.repeat(8000)}`);
    expectWithinLimits(message);
    expect(message.blocks).toHaveLength(50);
    expect(sections(message.blocks).at(-1)!.text!.text).toMatch(/… \(cut\)$/);
  });

  it('closes and reopens a code block that spans sections', () => {
    const message = reportMessage(`Log:\n\`\`\`\n${'line of output\n'.repeat(500)}\`\`\`\nDone.`);
    expectWithinLimits(message);
    expect(message.blocks.length).toBeGreaterThan(1);
    for (const block of sections(message.blocks)) expect((block.text!.text.match(/^```/gm) ?? []).length % 2).toBe(0);
  });
});

describe('escapeMrkdwn', () => {
  it('escapes &, < and > and nothing else', () => {
    expect(escapeMrkdwn('<@U1> & <!channel> *b* _i_ > 2')).toBe('&lt;@U1&gt; &amp; &lt;!channel&gt; *b* _i_ &gt; 2');
    expect(escapeMrkdwn('&amp;')).toBe('&amp;amp;');
  });
});
