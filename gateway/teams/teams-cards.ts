// Adaptive Cards for the Teams gateway: the approval card (who asks, why, the exact call, Approve,
// Reject with a reason, Edit the arguments), its decided form, and what an Action.Execute invoke
// carries back. Pure: no I/O, no clock.
import type { PendingApproval } from '../approval-commands.ts';
import { approvalShown, approvalUrl, type ApprovalFact } from '../chat/approval-facts.ts';
import type { ChatDecision } from '../chat/approval-relay.ts';

export const VERBS = { approve: 'approval.approve', reject: 'approval.reject', edit: 'approval.edit' } as const;
export type Verb = (typeof VERBS)[keyof typeof VERBS];

export interface AdaptiveCard {
  type: 'AdaptiveCard';
  version: '1.5';
  $schema: string;
  body: Record<string, unknown>[];
  actions?: Record<string, unknown>[];
}

/**
 * Teams refuses messages over about 28 KB (UTF-8 bytes of the activity): the card stays under
 * CARD_LIMIT, the rest is the activity's own fields. The consequential arguments come first and
 * whole; the mail, the other arguments and the edit box get at most these bytes, less when the
 * consequential ones leave less room.
 */
const CARD_LIMIT = 26_000;
const BODY_ROOM = 4_000;
const ARGS_ROOM = 4_000;
const EDIT_ROOM = 8_000;
/** The summary and the reason are the runtime's words about the call, not the call: a line or two. */
const ABOUT_ROOM = 1_000;

const OUTCOMES: Record<string, string> = { approved: '✅ Approved', rejected: '❌ Rejected', edited: '✏️ Edited', expired: '⌛ Expired', cancelled: '🚫 Cancelled' };

export interface CardContext {
  coworker: { name: string };
  /** A person's name from their id (users.yaml, managers); the id itself when unknown. */
  nameOf: (personId: string) => string;
  /** The console's public URL: a card that cannot hold the whole call links to its page there. */
  consoleUrl: string;
}

/** The card asking approvers to decide; Approve only when the card shows every consequential argument. */
export function approvalCard(approval: PendingApproval, context: CardContext): AdaptiveCard {
  const deadline = approval.deadline === null ? 'no deadline' : utc(approval.deadline);
  const approvers = approval.approvers.map(context.nameOf).join(', ') || 'none';
  const data = { coworkerId: approval.coworkerId, approvalId: approval.id };
  const execute = (title: string, verb: Verb, style?: string) => ({ type: 'Action.Execute', title, verb, data, ...(style && { style }) });
  const shown = facts(approval, context);
  return card(
    [...shown.body, text(`Deadline: ${deadline} · Approvers: ${approvers}`, { isSubtle: true, size: 'Small' })],
    [
      ...(shown.whole ? [execute('Approve', VERBS.approve, 'positive')] : []),
      {
        type: 'Action.ShowCard',
        title: 'Reject',
        card: card([{ type: 'Input.Text', id: 'reason', label: 'Reason (the coworker is told)', isMultiline: true, maxLength: 2_000 }], [execute('Reject', VERBS.reject, 'destructive')]),
      },
      { type: 'Action.ShowCard', title: 'Edit', card: editCard(approval, context, shown.editRoom, execute('Send the edited call', VERBS.edit)) },
    ],
  );
}

/** The arguments as JSON to edit; too long for the card, they are edited in the console instead. */
function editCard(approval: PendingApproval, context: CardContext, room: number, send: Record<string, unknown>): AdaptiveCard {
  const json = JSON.stringify(approval.args, null, 2);
  if (bytes(json) > room) return card([text(`These arguments are too long to edit in Teams: [edit them in the console](${approvalUrl(context.consoleUrl, approval.id)}), or reject with a reason.`)]);
  return card([{ type: 'Input.Text', id: 'args', label: 'Arguments (JSON); the edited call is asked again', isMultiline: true, value: json }], [send]);
}

/** The same card after a decision: who decided, when, the outcome, and no actions left. */
export function decidedCard(approval: PendingApproval, decision: ChatDecision, context: CardContext): AdaptiveCard {
  const outcome = OUTCOMES[decision.outcome] ?? decision.outcome;
  const lines = [`**${outcome}** by ${context.nameOf(decision.by)} · ${utc(decision.at)}`];
  if (decision.reason) lines.push(`Reason: ${decision.reason}`);
  if (decision.outcome === 'edited') lines.push('The edited call goes to the approvers as a new approval.');
  return card([...facts(approval, context).body, { type: 'Container', style: 'emphasis', items: lines.map((line) => text(line)) }]);
}

/** A card that says the approval no longer waits (decided elsewhere, expired or cancelled). */
export function goneCard(approval: PendingApproval, context: CardContext, why: string): AdaptiveCard {
  return card([...facts(approval, context).body, text(why, { isSubtle: true })]);
}

/** What an Action.Execute of an approval card carries: its verb, the approval, and the inputs of its card. */
export interface CardAction {
  verb: Verb;
  coworkerId: string;
  approvalId: string;
  reason?: string;
  args?: string;
}

export function cardActionFrom(value: unknown): CardAction | null {
  const action = (value as { action?: { verb?: unknown; data?: Record<string, unknown> } } | null)?.action;
  const verb = action?.verb;
  const data = action?.data ?? {};
  if (!Object.values(VERBS).includes(verb as Verb)) return null;
  const { coworkerId, approvalId, reason, args } = data;
  if (typeof coworkerId !== 'string' || typeof approvalId !== 'string' || !coworkerId || !approvalId) return null;
  return {
    verb: verb as Verb,
    coworkerId,
    approvalId,
    ...(typeof reason === 'string' && reason.trim() && { reason: reason.trim() }),
    ...(typeof args === 'string' && { args }),
  };
}

/** The edited arguments: a JSON object, or why not. */
export function editedArgs(text: string | undefined): { args: Record<string, unknown> } | { error: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text ?? '');
  } catch (error) {
    return { error: `The arguments are not valid JSON (${(error as Error).message}). Fix them and send again.` };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return { error: 'The arguments must be a JSON object, like {"to": "…"}.' };
  return { args: parsed as Record<string, unknown> };
}

/**
 * Both forms of the card: who asks, for what, why it is gated, the consequential arguments whole,
 * then the mail and the other arguments, cut where the card must be with a link to the whole
 * call. `whole`: every consequential argument is on the card; `editRoom`: what is left for the
 * edit box.
 */
function facts(approval: PendingApproval, context: CardContext): { body: Record<string, unknown>[]; whole: boolean; editRoom: number } {
  const shown = approvalShown(approval);
  const link = `[See the whole call in the console](${approvalUrl(context.consoleUrl, approval.id)})`;
  const head = [
    text(`**${context.coworker.name}** asks for approval${approval.jobId ? ` · job ${approval.jobId}` : ''}`, { size: 'Small', isSubtle: true }),
    exact(clipBytes(approval.summary, ABOUT_ROOM), { weight: 'Bolder', size: 'Medium' }),
    text(`Why it asks: ${clipBytes(approval.reason, ABOUT_ROOM)}`),
    { type: 'FactSet', facts: [{ title: 'Tool', value: approval.tool }, { title: 'Risk', value: approval.risk }] },
  ];
  // What the card needs besides the facts and the rest: the head, the deadline line, the actions with empty inputs.
  const needed = bytes(JSON.stringify(head)) + 2_000;
  const { kept, whole } = factsWithin(shown.consequential, CARD_LIMIT - needed);
  const consequential = kept.length === 0 ? [] : [{ type: 'Container', items: kept.map(({ name, value }) => labelled(name, value)) }];
  const overflow = whole ? [] : [text(`⚠️ **This call reaches more than one Teams card can show.** ${link}, and decide there.`)];
  // Long consequential arguments leave less room for the rest, never the other way round.
  const left = Math.max(0, CARD_LIMIT - needed - bytes(JSON.stringify(consequential)));
  const share = Math.min(1, left / (BODY_ROOM + ARGS_ROOM + EDIT_ROOM));
  const cutNote = text(`Cut here: Teams cannot show all of it. ${link}`, { isSubtle: true });
  const mail: Record<string, unknown>[] = [];
  if (shown.mail?.subject !== undefined) mail.push(labelled('Subject', clipBytes(shown.mail.subject, BODY_ROOM * share)));
  if (shown.mail?.body !== undefined) mail.push({ type: 'Container', style: 'emphasis', items: [exact(clipBytes(shown.mail.body, BODY_ROOM * share))] });
  const mailCut = shown.mail !== undefined && Object.values(shown.mail).some((part) => bytes(part) > BODY_ROOM * share);
  const rest: Record<string, unknown>[] = [];
  if (Object.keys(shown.rest).length > 0) {
    const json = JSON.stringify(shown.rest, null, 2);
    rest.push(text(shown.consequential.length > 0 || shown.mail ? 'Other arguments' : 'Arguments', { weight: 'Bolder' }));
    // Indentation in no-break spaces, which a card keeps.
    rest.push(exact(clipBytes(json, ARGS_ROOM * share).replace(/^ +/gm, (indent) => '\u00a0'.repeat(indent.length)), { fontType: 'Monospace' }));
    if (bytes(json) > ARGS_ROOM * share) rest.push(cutNote);
  }
  return {
    body: [...head, ...consequential, ...overflow, ...mail, ...(mailCut ? [cutNote] : []), ...rest],
    whole,
    editRoom: EDIT_ROOM * share,
  };
}

/** The facts that fit in `room` bytes, each whole, in order; `whole` when all of them do. */
function factsWithin(facts: ApprovalFact[], room: number): { kept: ApprovalFact[]; whole: boolean } {
  const kept: ApprovalFact[] = [];
  let used = 0;
  for (const fact of facts) {
    used += bytes(JSON.stringify(labelled(fact.name, fact.value)));
    if (used > room) return { kept, whole: false };
    kept.push(fact);
  }
  return { kept, whole: true };
}

/** "name: value", the value exactly as it is. */
function labelled(name: string, value: string): Record<string, unknown> {
  return { type: 'RichTextBlock', inlines: [{ type: 'TextRun', text: `${name}: `, weight: 'Bolder' }, { type: 'TextRun', text: value }] };
}

/** The UTF-8 bytes a text takes in the card's JSON, escapes included: what Teams counts. */
function bytes(value: string): number {
  return Buffer.byteLength(JSON.stringify(value)) - 2;
}

/** The longest start of `value` within `room` bytes (never half a surrogate pair), ending with "…" when cut. */
function clipBytes(value: string, room: number): string {
  if (bytes(value) <= room) return value;
  let low = 0;
  let high = value.length;
  while (low < high) {
    const middle = Math.ceil((low + high) / 2);
    if (bytes(value.slice(0, middle)) + 3 <= room) low = middle;
    else high = middle - 1;
  }
  const code = value.charCodeAt(low - 1);
  return `${value.slice(0, code >= 0xd800 && code <= 0xdbff ? low - 1 : low)}…`;
}

function card(body: Record<string, unknown>[], actions?: Record<string, unknown>[]): AdaptiveCard {
  return { type: 'AdaptiveCard', version: '1.5', $schema: 'http://adaptivecards.io/schemas/adaptive-card.json', body, ...(actions && { actions }) };
}

function text(value: string, style: Record<string, unknown> = {}): Record<string, unknown> {
  return { type: 'TextBlock', text: value, wrap: true, ...style };
}

/** Text exactly as written: a TextRun is never read as markdown, so `*` or `_` in a mail stay as they are. */
function exact(value: string, style: Record<string, unknown> = {}): Record<string, unknown> {
  return { type: 'RichTextBlock', inlines: [{ type: 'TextRun', text: value, ...style }] };
}

function utc(at: number): string {
  return `${new Date(at).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}
