// Adaptive Cards for the Teams gateway: the approval card (who asks, why, the exact call, Approve,
// Reject with a reason, Edit the arguments), its decided form, and what an Action.Execute invoke
// carries back. Pure: no I/O, no clock.
import type { PendingApproval } from '../approval-commands.ts';
import { mailOf } from '../chat/approval-facts.ts';
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

/** Teams refuses messages over about 28 KB: the mail body, the arguments and the edit box stay well under it together. */
const BODY_LIMIT = 4_000;
const ARGS_LIMIT = 8_000;
const EDIT_LIMIT = 8_000;
const CUT = '… (cut here; the full call is in `coworkers approvals` and the console)';

const OUTCOMES: Record<string, string> = { approved: '✅ Approved', rejected: '❌ Rejected', edited: '✏️ Edited', expired: '⌛ Expired', cancelled: '🚫 Cancelled' };

export interface CardContext {
  coworker: { name: string };
  /** A person's name from their id (users.yaml, managers); the id itself when unknown. */
  nameOf: (personId: string) => string;
}

/** The card asking approvers to decide. */
export function approvalCard(approval: PendingApproval, context: CardContext): AdaptiveCard {
  const deadline = approval.deadline === null ? 'no deadline' : utc(approval.deadline);
  const approvers = approval.approvers.map(context.nameOf).join(', ') || 'none';
  const data = { coworkerId: approval.coworkerId, approvalId: approval.id };
  const execute = (title: string, verb: Verb, style?: string) => ({ type: 'Action.Execute', title, verb, data, ...(style && { style }) });
  return card(
    [...facts(approval, context), text(`Deadline: ${deadline} · Approvers: ${approvers}`, { isSubtle: true, size: 'Small' })],
    [
      execute('Approve', VERBS.approve, 'positive'),
      {
        type: 'Action.ShowCard',
        title: 'Reject',
        card: card([{ type: 'Input.Text', id: 'reason', label: 'Reason (the coworker is told)', isMultiline: true, maxLength: 2_000 }], [execute('Reject', VERBS.reject, 'destructive')]),
      },
      { type: 'Action.ShowCard', title: 'Edit', card: editCard(approval, execute('Send the edited call', VERBS.edit)) },
    ],
  );
}

/** The arguments as JSON to edit; too long for a card, they are edited in the console instead. */
function editCard(approval: PendingApproval, send: Record<string, unknown>): AdaptiveCard {
  const json = JSON.stringify(approval.args, null, 2);
  if (json.length > EDIT_LIMIT) return card([text('These arguments are too long to edit in Teams: edit them in the console, or reject with a reason.')]);
  return card([{ type: 'Input.Text', id: 'args', label: 'Arguments (JSON); the edited call is asked again', isMultiline: true, value: json }], [send]);
}

/** The same card after a decision: who decided, when, the outcome, and no actions left. */
export function decidedCard(approval: PendingApproval, decision: ChatDecision, context: CardContext): AdaptiveCard {
  const outcome = OUTCOMES[decision.outcome] ?? decision.outcome;
  const lines = [`**${outcome}** by ${context.nameOf(decision.by)} · ${utc(decision.at)}`];
  if (decision.reason) lines.push(`Reason: ${decision.reason}`);
  if (decision.outcome === 'edited') lines.push('The edited call goes to the approvers as a new approval.');
  return card([...facts(approval, context), { type: 'Container', style: 'emphasis', items: lines.map((line) => text(line)) }]);
}

/** A card that says the approval no longer waits (decided elsewhere, expired or cancelled). */
export function goneCard(approval: PendingApproval, context: CardContext, why: string): AdaptiveCard {
  return card([...facts(approval, context), text(why, { isSubtle: true })]);
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

/** Both forms of the card: who asks, for what, why it is gated, the mail at a glance, the exact call. */
function facts(approval: PendingApproval, context: CardContext): Record<string, unknown>[] {
  const mail = mailOf(approval.args);
  const json = JSON.stringify(approval.args, null, 2);
  return [
    text(`**${context.coworker.name}** asks for approval${approval.jobId ? ` · job ${approval.jobId}` : ''}`, { size: 'Small', isSubtle: true }),
    exact(approval.summary, { weight: 'Bolder', size: 'Medium' }),
    text(`Why it asks: ${approval.reason}`),
    {
      type: 'FactSet',
      facts: [
        { title: 'Tool', value: approval.tool },
        { title: 'Risk', value: approval.risk },
        ...(mail ? [{ title: 'To', value: mail.to }] : []),
        ...(mail?.subject !== undefined ? [{ title: 'Subject', value: mail.subject }] : []),
      ],
    },
    ...(mail?.body !== undefined ? [{ type: 'Container', style: 'emphasis', items: [exact(clip(mail.body, BODY_LIMIT))] }] : []),
    text('Arguments', { weight: 'Bolder' }),
    // Indentation in no-break spaces, which a card keeps.
    exact(clip(json, ARGS_LIMIT).replace(/^ +/gm, (indent) => '\u00a0'.repeat(indent.length)), { fontType: 'Monospace' }),
  ];
}

function clip(value: string, limit: number): string {
  return value.length <= limit ? value : `${value.slice(0, limit)}\n${CUT}`;
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
