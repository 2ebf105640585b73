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
  it('shows the exact call: recipient, subject, body, and the arguments as JSON', () => {
    const message = approvalMessage(ada, approval());
    const texts = sections(message.blocks).map((block) => block.text!.text);
    const mail = texts.find((text) => text.includes('*To:*'))!;
    expect(mail).toContain('*To:* ceo@acme.com');
    expect(mail).toContain('*Subject:* Q3 numbers &amp; &lt;plan&gt;');
    expect(mail).toContain('>Hi,\n>revenue is up 12%.\n>Ada');
    const json = texts.find((text) => text.includes('```'))!;
    expect(json).toContain(escapeMrkdwn(JSON.stringify(approval().args, null, 2)));
    expect(allText(message.blocks)).not.toContain('<plan>');
    expect(message.text).toContain('Send the Q3 numbers to the CEO of Acme');
    expectWithinLimits(message);
  });

  it('names the coworker, its job, the tool, the risk, why it asks, the approvers and the deadline', () => {
    const text = allText(approvalMessage(ada, approval()).blocks);
    for (const part of [':robot_face: *Ada*', '`weekly-report`', '`email.send`', 'customer-facing', 'which the policy gates', '<@U0MANAGER>']) {
      expect(text).toContain(part);
    }
    expect(text).toContain(`<!date^${deadline / 1000}^{date_short_pretty} {time}|2026-11-23T17:00:00.000Z>`);
    expect(allText(approvalMessage(ada, approval({ deadline: null })).blocks)).toContain('no deadline');
  });

  it('shows an icon URL as an image', () => {
    const [header] = approvalMessage({ ...ada, icon: 'https://example.com/ada.png' }, approval()).blocks;
    expect(header).toMatchObject({ type: 'context', elements: [{ type: 'image', image_url: 'https://example.com/ada.png' }, { type: 'mrkdwn' }] });
  });

  it('has Approve, Reject and Edit buttons that carry the approval', () => {
    const buttons = buttonsOf(approvalMessage(ada, approval()).blocks);
    expect(buttons.map((button) => [button.action_id, button.style])).toEqual([
      [ACTIONS.approve, 'primary'],
      [ACTIONS.reject, 'danger'],
      [ACTIONS.edit, undefined],
    ]);
    for (const button of buttons) expect(decodeRef(button.value!)).toEqual({ coworkerId: 'ada', approvalId: 'appr-1' });
  });

  it('asks "are you sure?" before approving a risky call only', () => {
    const [risky] = buttonsOf(approvalMessage(ada, approval()).blocks);
    expect(risky!.confirm?.text.text).toContain('customer-facing');
    const [plainWrite] = buttonsOf(approvalMessage(ada, approval({ risk: 'write' })).blocks);
    expect(plainWrite!.confirm).toBeUndefined();
  });

  it('cuts long arguments with a note and stays within the limits', () => {
    const long = approval({ args: { to: 'a@b.c', subject: 'Long', body: 'x & y <z>\n'.repeat(2000), attachments: Array.from({ length: 500 }, (_, i) => `file-${i}.pdf`) } });
    const message = approvalMessage(ada, long);
    expectWithinLimits(message);
    const json = sections(message.blocks).find((block) => block.text!.text.includes('```'))!.text!.text;
    expect(json).toMatch(/```\n\(arguments cut here; the full call is in `coworkers approvals`\)$/);
    expect(json).not.toMatch(/&(a|am|amp|l|lt|g|gt)?\n/); // no entity cut in half
    expect(sections(message.blocks).find((block) => block.text!.text.includes('*To:*'))!.text!.text).toMatch(/… \(cut\)$/);
  });

  it('shows a call that is not an email as JSON only', () => {
    const texts = sections(approvalMessage(ada, approval({ tool: 'crm.update', args: { dealId: 'd-1', stage: 'won' } })).blocks).map((block) => block.text!.text);
    expect(texts.some((text) => text.includes('*To:*'))).toBe(false);
    expect(texts.some((text) => text.includes('"dealId": "d-1"'))).toBe(true);
  });
});

describe('decided message', () => {
  it('says who decided what and when, without buttons', () => {
    const at = Date.UTC(2026, 10, 23, 16, 0);
    const message = decidedMessage(ada, approval(), { outcome: 'rejected', by: 'U0MANAGER', at, reason: 'Not before the board <meeting>' });
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
    const message = decidedMessage(ada, approval(), { outcome: 'edited', by: 'U0MANAGER', at: deadline });
    expect(sections(message.blocks).at(-1)!.text!.text).toMatch(/^:pencil2: \*Edited\* by <@U0MANAGER> · <!date\^.*\nThe edited call goes to the approvers as a new approval\.$/);
  });

  it('shows a policy decision as text', () => {
    const message = decidedMessage(ada, approval(), { outcome: 'expired', by: 'policy:deadline', at: deadline });
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
    const args = sections(approvalMessage(ada, approval({ args: { body: '<'.repeat(3000) } })).blocks).at(-1)!.text!.text;
    expect(args).toMatch(/(&lt;)+"?\n```\n\(arguments cut here/);
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
