// Block Kit for the Slack gateway: the approval message and its decided form, the reject and edit
// modals and what their submissions carry, and coworker reports. Pure: no I/O, no clock.
import type { ActionsBlock, Button, ContextBlock, KnownBlock, ModalView, PlainTextElement, SectionBlock } from '@slack/types';
import type { PendingApprovalView, ToolRisk } from '../../protocol/index.ts';
import type { PendingApproval } from '../approval-commands.ts';
import { approvalShown, approvalUrl, type ApprovalShown } from '../chat/approval-facts.ts';

export const ACTIONS = { approve: 'approval.approve', reject: 'approval.reject', edit: 'approval.edit' } as const;
export const VIEWS = { reject: 'approval.reject.reason', edit: 'approval.edit.args' } as const;
/** The block_id of the edit modal's input, for `response_action: 'errors'`. */
export const EDIT_BLOCK_ID = 'args';
const EDIT_ACTION_ID = 'json';
const REASON_BLOCK_ID = 'reason';
const REASON_ACTION_ID = 'text';

// Slack's limits: a section's text, a message's blocks, a message's notification text, a
// plain_text_input's value, a section field, a confirm dialog's text.
const SECTION_LIMIT = 3000;
const MAX_BLOCKS = 50;
const TEXT_LIMIT = 4000;
const INPUT_LIMIT = 3000;
const FIELD_LIMIT = 2000;
const CONFIRM_LIMIT = 300;

const CUT = '… (cut)';
/** Blocks an approval message has besides its consequential arguments: header, what, mail, arguments, an overflow note, deadline or outcome, buttons. */
const OTHER_BLOCKS = 7;
const FENCE = '```';
const CLOSE_FENCE = `\n${FENCE}`;

/** Risks where a misclick costs the most: Approve asks "are you sure?" first. */
const CONFIRM_RISKS: ReadonlySet<string> = new Set<ToolRisk>(['customer-facing', 'money', 'destructive', 'public-post']);

/** What a button's `value` and a modal's `private_metadata` carry (JSON). */
export interface ApprovalRef {
  coworkerId: string;
  approvalId: string;
  /** The approval message, so that a modal's submission can update it. */
  channel?: string;
  ts?: string;
}

export function encodeRef(ref: ApprovalRef): string {
  const { coworkerId, approvalId, channel, ts } = ref;
  return JSON.stringify({ coworkerId, approvalId, channel, ts });
}

export function decodeRef(text: string): ApprovalRef {
  const junk = () => new Error(`Not an approval reference: ${JSON.stringify(text.slice(0, 100))}`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw junk();
  }
  if (typeof parsed !== 'object' || parsed === null) throw junk();
  const { coworkerId, approvalId, channel, ts } = parsed as Record<string, unknown>;
  const isOptionalText = (value: unknown) => value === undefined || isText(value);
  if (!isText(coworkerId) || !isText(approvalId) || !isOptionalText(channel) || !isOptionalText(ts)) throw junk();
  return { coworkerId, approvalId, ...(isText(channel) && { channel }), ...(isText(ts) && { ts }) };
}

function isText(value: unknown): value is string {
  return typeof value === 'string' && value !== '';
}

/** A coworker as the gateway shows it. `icon`: ":emoji:" (or any emoji) or an https URL. */
export interface CoworkerLook {
  id: string;
  name: string;
  icon: string;
}

/**
 * The message asking approvers to decide: coworker, job, tool, why gated, the consequential
 * arguments whole, the rest of the call (cut with a link to the console page of the whole call
 * where Slack cannot hold it), deadline; Approve / Reject / Edit buttons.
 */
export function approvalMessage(coworker: CoworkerLook, approval: PendingApproval, consoleUrl: string): { text: string; blocks: KnownBlock[] } {
  const approvers = approval.approvers.map(who).join(', ') || 'none';
  const deadline = approval.deadline === null ? 'no deadline' : slackDate(approval.deadline);
  const { blocks, whole } = approvalBlocks(coworker, approval, consoleUrl);
  return {
    text: clip(escapeMrkdwn(`${coworker.name} asks for approval: ${approval.summary}`), TEXT_LIMIT),
    blocks: [...blocks, { type: 'context', elements: [mrkdwn(`*Deadline:* ${deadline} · *Approvers:* ${approvers}`)] }, decisionButtons(approval, whole)],
  };
}

/** The same message after a decision: who, when, outcome, and no buttons. */
export function decidedMessage(
  coworker: CoworkerLook,
  approval: PendingApproval,
  decision: { outcome: string; by: string; at: number; reason?: string },
  consoleUrl: string,
): { text: string; blocks: KnownBlock[] } {
  const outcome = OUTCOMES[decision.outcome] ?? `*${escapeMrkdwn(decision.outcome)}*`;
  const reason = decision.reason ? `\n*Reason:* ${escapeMrkdwn(decision.reason)}` : '';
  const next = decision.outcome === 'edited' ? '\nThe edited call goes to the approvers as a new approval.' : '';
  return {
    text: clip(escapeMrkdwn(`${coworker.name}: ${approval.summary} (${decision.outcome} by ${decision.by})`), TEXT_LIMIT),
    blocks: [...approvalBlocks(coworker, approval, consoleUrl).blocks, section(`${outcome} by ${who(decision.by)} · ${slackDate(decision.at)}${reason}${next}`)],
  };
}

const OUTCOMES: Record<string, string> = {
  approved: ':white_check_mark: *Approved*',
  rejected: ':x: *Rejected*',
  edited: ':pencil2: *Edited*',
  expired: ':hourglass: *Expired*',
  cancelled: ':no_entry_sign: *Cancelled*',
};

/**
 * What both forms of the approval message show: who asks, for what, why it is gated, then the
 * call (approvalShown). `whole`: every consequential argument is in the blocks; only a call
 * with more of them than 50 blocks hold is not, and then the message says so.
 */
function approvalBlocks(coworker: CoworkerLook, approval: PendingApproval, consoleUrl: string): { blocks: KnownBlock[]; whole: boolean } {
  const job = approval.jobId ? ` · job \`${escapeMrkdwn(approval.jobId)}\`` : '';
  const byUrl = coworker.icon.startsWith('https://');
  const asks = `${byUrl ? '' : `${escapeMrkdwn(coworker.icon)} `}*${escapeMrkdwn(coworker.name)}* asks for approval${job}`;
  const header: ContextBlock = {
    type: 'context',
    elements: [...(byUrl ? [{ type: 'image' as const, image_url: coworker.icon, alt_text: coworker.name }] : []), mrkdwn(asks)],
  };
  const what: SectionBlock = {
    ...section(`${escapeMrkdwn(approval.summary)}\n*Why it asks:* ${escapeMrkdwn(approval.reason)}`),
    fields: [mrkdwn(clip(`*Tool*\n\`${escapeMrkdwn(approval.tool)}\``, FIELD_LIMIT)), mrkdwn(clip(`*Risk*\n${escapeMrkdwn(approval.risk)}`, FIELD_LIMIT))],
  };
  const shown = approvalShown(approval);
  const link = `<${approvalUrl(consoleUrl, approval.id)}|See the whole call in the console>`;
  // Consequential arguments are split over as many sections as they need, never cut.
  const facts = splitSections(shown.consequential.map(({ name, value }) => `*${escapeMrkdwn(name)}:* ${escapeMrkdwn(value)}`).join('\n'));
  const room = MAX_BLOCKS - OTHER_BLOCKS;
  const whole = facts.length <= room;
  const overflow = whole ? [] : [section(`:warning: *This call reaches more than one Slack message can show.* ${link}, and decide there.`)];
  const mail = mailPreview(shown);
  const rest = argsText(shown, link);
  return {
    blocks: [header, what, ...facts.slice(0, room).map(section), ...overflow, ...(mail === undefined ? [] : [section(fitted(mail, link))]), ...(rest === undefined ? [] : [section(rest)])],
    whole,
  };
}

/** For a mail-like call, what an approver reads at a glance after its recipients: the subject, and the body as a quote. */
function mailPreview(shown: ApprovalShown): string | undefined {
  if (!shown.mail) return undefined;
  const { subject, body } = shown.mail;
  const lines = subject === undefined ? [] : [`*Subject:* ${escapeMrkdwn(subject)}`];
  if (body !== undefined) lines.push(...escapeMrkdwn(body).split('\n').map((line) => `>${line}`));
  return lines.join('\n');
}

/** Text within a section, or cut where it must be, saying so with the link to the whole call. */
function fitted(text: string, link: string): string {
  if (text.length <= SECTION_LIMIT) return text;
  const note = `\n_Cut here: Slack cannot show all of it._ ${link}`;
  return `${text.slice(0, cutAt(text, SECTION_LIMIT - note.length))}${note}`;
}

/** The other arguments exactly, as pretty JSON in a code block; cut with the note and link rather than past Slack's limit. */
function argsText(shown: ApprovalShown, link: string): string | undefined {
  if (Object.keys(shown.rest).length === 0) return undefined;
  const title = shown.consequential.length > 0 || shown.mail ? '*Other arguments*' : '*Arguments*';
  const json = escapeMrkdwn(JSON.stringify(shown.rest, null, 2));
  const block = (code: string) => `${title}\n${FENCE}\n${code}\n${FENCE}`;
  if (block(json).length <= SECTION_LIMIT) return block(json);
  const note = `_Arguments cut here: Slack cannot show all of them._ ${link}`;
  const room = SECTION_LIMIT - block('').length - note.length - 1;
  return `${block(json.slice(0, cutAt(json, room)))}\n${note}`;
}

/** Approve is offered only when the message shows every consequential argument. */
function decisionButtons(approval: PendingApproval, whole: boolean): ActionsBlock {
  const value = encodeRef({ coworkerId: approval.coworkerId, approvalId: approval.id });
  const approve: Button = { type: 'button', action_id: ACTIONS.approve, text: plain('Approve'), style: 'primary', value };
  if (CONFIRM_RISKS.has(approval.risk)) {
    approve.confirm = {
      title: plain('Approve this call?'),
      text: mrkdwn(clip(`This call is *${escapeMrkdwn(approval.risk)}*: ${escapeMrkdwn(approval.summary)}`, CONFIRM_LIMIT)),
      confirm: plain('Approve'),
      deny: plain('Not yet'),
    };
  }
  return {
    type: 'actions',
    elements: [
      ...(whole ? [approve] : []),
      { type: 'button', action_id: ACTIONS.reject, text: plain('Reject'), style: 'danger', value },
      { type: 'button', action_id: ACTIONS.edit, text: plain('Edit'), value },
    ],
  };
}

/** A modal asking for a rejection reason (optional input). */
export function rejectModal(ref: ApprovalRef, approval: PendingApprovalView): ModalView {
  return {
    type: 'modal',
    callback_id: VIEWS.reject,
    private_metadata: encodeRef(ref),
    title: plain('Reject this call'),
    submit: plain('Reject'),
    close: plain('Cancel'),
    blocks: [
      section(`Reject \`${escapeMrkdwn(approval.tool)}\`: ${escapeMrkdwn(approval.summary)}`),
      {
        type: 'input',
        block_id: REASON_BLOCK_ID,
        optional: true,
        label: plain('Reason'),
        hint: plain('The coworker is told why, and may try another way.'),
        element: { type: 'plain_text_input', action_id: REASON_ACTION_ID, multiline: true },
      },
    ],
  };
}

/** A modal with the arguments as pretty JSON to edit; an edit makes a new approval. */
export function editModal(ref: ApprovalRef, approval: PendingApprovalView): ModalView {
  const json = JSON.stringify(approval.args, null, 2);
  const base = { type: 'modal' as const, callback_id: VIEWS.edit, private_metadata: encodeRef(ref), title: plain('Edit the arguments') };
  const about = `\`${escapeMrkdwn(approval.tool)}\`: ${escapeMrkdwn(approval.summary)}`;
  if (json.length > INPUT_LIMIT) {
    return {
      ...base,
      close: plain('Close'),
      blocks: [
        section(
          `${about}\nThese arguments are ${json.length.toLocaleString('en-US')} characters, more than Slack lets a modal edit ` +
            `(${INPUT_LIMIT.toLocaleString('en-US')}). Approve or reject the call instead.`,
        ),
      ],
    };
  }
  return {
    ...base,
    submit: plain('Ask again'),
    close: plain('Cancel'),
    blocks: [
      section(`${about}\nThe edited call goes to the approvers again as a new approval.`),
      {
        type: 'input',
        block_id: EDIT_BLOCK_ID,
        label: plain('Arguments (JSON)'),
        element: { type: 'plain_text_input', action_id: EDIT_ACTION_ID, multiline: true, initial_value: json },
      },
    ],
  };
}

/** The part of a submitted view (Bolt's `body.view`) that the readers below need. */
export interface SubmittedView {
  state: { values: Record<string, Record<string, { value?: string | null }>> };
}

/** Reads a submitted reject modal: the reason, or undefined when left empty. */
export function reasonFrom(view: SubmittedView): string | undefined {
  return view.state.values[REASON_BLOCK_ID]?.[REASON_ACTION_ID]?.value?.trim() || undefined;
}

/** Reads a submitted edit modal: the new args, or an error to show under the input (keyed by EDIT_BLOCK_ID). */
export function argsFrom(view: SubmittedView): { args: Record<string, unknown> } | { error: string } {
  const text = view.state.values[EDIT_BLOCK_ID]?.[EDIT_ACTION_ID]?.value ?? '';
  let args: unknown;
  try {
    args = JSON.parse(text);
  } catch (error) {
    return { error: `This is not valid JSON: ${(error as Error).message}` };
  }
  if (typeof args !== 'object' || args === null || Array.isArray(args)) {
    return { error: 'The arguments must be a JSON object: { "name": value, … }.' };
  }
  return { args: args as Record<string, unknown> };
}

/**
 * A coworker's report or message for Slack: markdown turned into mrkdwn, in sections of at most
 * 3,000 characters and at most 50 blocks, with a notification text of at most 4,000; anything
 * cut ends with "… (cut)".
 */
export function reportMessage(text: string): { text: string; blocks: KnownBlock[] } {
  const converted = toMrkdwn(text).trim();
  const pieces = splitSections(converted);
  if (pieces.length > MAX_BLOCKS) {
    pieces.length = MAX_BLOCKS;
    pieces[MAX_BLOCKS - 1] = endWithCut(pieces[MAX_BLOCKS - 1]!);
  }
  return { text: clip(converted, TEXT_LIMIT), blocks: pieces.map(section) };
}

/** **bold** → *bold*, [text](url) → <url|text>, "# Heading" → *Heading*; code blocks are only escaped. */
function toMrkdwn(markdown: string): string {
  let inCode = false;
  return markdown
    .split('\n')
    .map((line) => {
      if (/^\s*```/.test(line)) {
        inCode = !inCode;
        return FENCE; // mrkdwn has no language tags: "```ts" would show "ts" as code
      }
      const escaped = escapeMrkdwn(line);
      if (inCode) return escaped;
      const heading = /^#{1,6}\s+(.*?)(?:\s+#+)?\s*$/.exec(escaped);
      if (heading) return `*${inline(heading[1]!.replaceAll('**', ''))}*`;
      return inline(escaped);
    })
    .join('\n');
}

function inline(text: string): string {
  return text.replace(/\[([^\]]+)\]\(([^)\s]+)\)/g, '<$2|$1>').replace(/\*\*(.+?)\*\*/g, '*$1*');
}

/** Section texts of at most 3,000 characters; a code block cut in two is closed and reopened so both halves render. */
function splitSections(mrkdwn: string): string[] {
  const pieces: string[] = [];
  let rest = mrkdwn;
  while (rest.trim() !== '') {
    if (rest.length <= SECTION_LIMIT) {
      pieces.push(rest);
      break;
    }
    let piece = rest.slice(0, cutAt(rest, SECTION_LIMIT - CLOSE_FENCE.length));
    rest = rest.slice(piece.length).replace(/^\n/, '');
    if (insideCode(piece)) {
      piece += CLOSE_FENCE;
      rest = `${FENCE}\n${rest}`;
    }
    if (piece.trim() !== '') pieces.push(piece);
  }
  return pieces;
}

/** The last section allowed, ending with "… (cut)" since more text followed. */
function endWithCut(piece: string): string {
  const room = SECTION_LIMIT - CLOSE_FENCE.length - CUT.length - 1;
  const kept = piece.length <= room ? piece : piece.slice(0, cutAt(piece, room));
  return `${insideCode(kept) ? kept + CLOSE_FENCE : kept}\n${CUT}`;
}

function insideCode(mrkdwn: string): boolean {
  return (mrkdwn.match(/^```/gm)?.length ?? 0) % 2 === 1;
}

/** Escapes &, <, > for mrkdwn (Slack's rule); every piece of user or model text in a block goes through it. */
export function escapeMrkdwn(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

/** `text` in at most `max` characters, ending with "… (cut)" when it had to be cut. */
function clip(text: string, max: number): string {
  return text.length <= max ? text : text.slice(0, cutAt(text, max - CUT.length)) + CUT;
}

/**
 * Where to cut escaped mrkdwn to keep at most `max` characters: at a line break, else a space,
 * in the second half if there is one; never inside an &entity;, a <link> or a surrogate pair.
 */
function cutAt(text: string, max: number): number {
  const half = max / 2;
  let end = [text.lastIndexOf('\n', max), text.lastIndexOf(' ', max)].find((at) => at >= half) ?? max;
  for (const [open, close] of [['&', ';'], ['<', '>']] as const) {
    const at = text.lastIndexOf(open, end - 1);
    if (at >= half && text.lastIndexOf(close, end - 1) < at) end = at;
  }
  const code = text.charCodeAt(end - 1);
  return code >= 0xd800 && code <= 0xdbff ? end - 1 : end;
}

/** A date each viewer sees in their own time zone; the ISO text where the client can't format it. */
function slackDate(ms: number): string {
  return `<!date^${Math.floor(ms / 1000)}^{date_short_pretty} {time}|${new Date(ms).toISOString()}>`;
}

/** A Slack user id as a mention, anyone else ("cli:ana", "policy:deadline") as text. */
function who(id: string): string {
  return /^[UW][A-Z0-9]{2,}$/.test(id) ? `<@${id}>` : escapeMrkdwn(id);
}

function section(text: string): SectionBlock {
  return { type: 'section', text: mrkdwn(clip(text, SECTION_LIMIT)) };
}

function mrkdwn(text: string) {
  return { type: 'mrkdwn' as const, text };
}

function plain(text: string): PlainTextElement {
  return { type: 'plain_text', text };
}
