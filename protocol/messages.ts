// Commands to coworkers and events from them: the payloads every service shares, versioned by
// the `v` field and by the subject prefix (subjects.ts).
import { z } from 'zod';
import { auditRecordSchema } from './audit.ts';

export const PROTOCOL_VERSION = 1 as const;

/**
 * Where in chat a conversation happened, so replies and reports go back to that thread. Slack:
 * the channel id and the thread's ts. Teams (`chat: "teams"`): the conversation id to post to
 * (a channel thread's carries its `;messageid=`) and the id of the message that started it.
 */
export const chatThreadSchema = z.strictObject({
  chat: z.enum(['slack', 'teams']).optional().describe('Which chat the thread is in; Slack when absent.'),
  channel: z.string().min(1),
  threadTs: z.string().min(1),
});
export type ChatThread = z.output<typeof chatThreadSchema>;

/** A coworker as the other side of a handoff sees it. */
export const handoffPartySchema = z.strictObject({ id: z.string().min(1), name: z.string().min(1), team: z.string().min(1) });
export type HandoffParty = z.output<typeof handoffPartySchema>;

/** What travels with a handed-off task: context from another coworker, for the receiver's prompt. */
export const handoffContextSchema = z.strictObject({
  from: handoffPartySchema,
  /** The sender's task this one continues. */
  originTaskId: z.string().min(1),
  summary: z.string().max(10_000),
  /** Names, links, small JSON values the sender's run produced. */
  artifacts: z.record(z.string(), z.unknown()),
  questions: z.array(z.string()),
  /** Who handed it: the sender coworker, or the person who reassigned the task. */
  by: z.string().min(1),
  /** The receiver's manager or approver who approved a cross-team handoff. */
  approvedBy: z.string().optional(),
  /** The person who asked for the work in the first place; told who has it, and of the result. */
  onBehalfOf: z.string().optional(),
});
export type HandoffContext = z.output<typeof handoffContextSchema>;

export const taskSchema = z.strictObject({
  id: z.string().min(1),
  text: z.string().min(1, { message: 'a task needs a text: what should the coworker do?' }).max(10_000),
  source: z.enum(['person', 'schedule', 'trigger', 'handoff']),
  requestedBy: z.string().min(1).describe('Who asked: a Slack user id, "cli:<user>", "schedule" or a coworker id.'),
  jobId: z.string().optional(),
  createdAt: z.number().int(),
  /** Run even while the coworker is off duty (a job with outsideWorkingHours). */
  anyTime: z.boolean().optional(),
  /** The event that started this run; its data is untrusted input, never instructions. */
  trigger: z.strictObject({ id: z.string(), event: z.string(), data: z.record(z.string(), z.unknown()) }).optional(),
  /** The chat thread the task came from; the coworker answers there. */
  replyTo: chatThreadSchema.optional(),
  /** Set when another coworker (or a person reassigning) handed this task over. */
  handoff: handoffContextSchema.optional(),
});
export type Task = z.output<typeof taskSchema>;

const commandBase = { v: z.literal(PROTOCOL_VERSION), id: z.string().min(1), coworkerId: z.string().min(1), at: z.number().int() };

/** A signature over the canonical JSON of the value without `signature` (protocol/signing.ts): which key said it, and its proof. */
export const signatureSchema = z.strictObject({ key: z.string().min(1).describe('The public key that signed (a NATS user nkey, "U…").'), sig: z.string().min(1).describe('base64url Ed25519 signature.') });

/**
 * Every command but a task names who may have sent it: the gateway that signed the person in, the
 * operator, or a runtime (handoffs). Optional here so one schema reads every command; the runtime
 * refuses one without a valid signature.
 */
const signed = { signature: signatureSchema.optional() };

export const commandSchema = z.discriminatedUnion('type', [
  z.strictObject({ ...commandBase, type: z.literal('task.assign'), task: taskSchema }),
  z.strictObject({ ...commandBase, type: z.literal('task.cancel'), taskId: z.string().min(1), by: z.string().min(1), ...signed }),
  z.strictObject({
    ...commandBase,
    type: z.literal('approval.decide'),
    approvalId: z.string().min(1),
    decision: z.enum(['approved', 'rejected', 'edited']).describe('"edited" replaces the arguments and asks again.'),
    by: z.string().min(1),
    reason: z.string().optional(),
    args: z.record(z.string(), z.unknown()).optional().describe('The new arguments of an "edited" decision.'),
    ...signed,
  }).refine((command) => (command.decision === 'edited') === (command.args !== undefined), {
    message: 'an "edited" decision carries the new args, and only an edited one does',
    path: ['args'],
  }),
  z.strictObject({
    ...commandBase,
    type: z.literal('block.resolve'),
    /** The block answered (the status's `blockId`): an answer to any other block changes nothing. */
    blockId: z.string().min(1),
    answer: z.string().min(1),
    by: z.string().min(1),
    ...signed,
  }),
  // Handoffs (actors/handoff-relay.ts turns the events below into these): an offer to the
  // receiver, its answer back to the sender, and a person moving a queued task.
  z.strictObject({ ...commandBase, type: z.literal('handoff.offer'), task: taskSchema.required({ handoff: true }), ...signed }),
  z.strictObject({
    ...commandBase,
    type: z.literal('handoff.answer'),
    originTaskId: z.string().min(1),
    taskId: z.string().min(1),
    outcome: z.enum(['accepted', 'declined']),
    by: z.string().min(1),
    reason: z.string().optional(),
    ...signed,
  }),
  z.strictObject({
    ...commandBase,
    type: z.literal('task.reassign'),
    taskId: z.string().min(1),
    from: handoffPartySchema,
    to: handoffPartySchema,
    /** The receiver's manager and approvers: one of them moving the task approves it for the receiver. */
    toApprovers: z.array(z.string()),
    by: z.string().min(1),
    ...signed,
  }),
  // For the host, not the statechart: the coworker's effective definition changed (an assignment
  // to a team or a manager), live. The host validates it with the definition schema.
  z.strictObject({ ...commandBase, type: z.literal('definition.changed'), definition: z.record(z.string(), z.unknown()), by: z.string().min(1), ...signed }),
]);
export type Command = z.output<typeof commandSchema>;
export type CommandType = Command['type'];

export const coworkerStateSchema = z.strictObject({
  status: z.enum(['idle', 'working', 'awaitingApproval', 'blocked']),
  shift: z.enum(['onDuty', 'offDuty']),
});
export type CoworkerState = z.output<typeof coworkerStateSchema>;

/** What `list`, the console and the gateway need to know about a coworker without its snapshot. */
/** A gated tool call waiting for a person: everything an approver needs to decide. */
export const approvalRequestSchema = z.strictObject({
  id: z.string(),
  toolCallId: z.string(),
  tool: z.string(),
  args: z.record(z.string(), z.unknown()),
  risk: z.string(),
  /** Why the policy gates this call, in words. */
  reason: z.string(),
  summary: z.string(),
  argsHash: z.string(),
  policyVersion: z.string(),
  taskId: z.string(),
  jobId: z.string().optional(),
  /** The chat thread of the task, where the approval can be asked too. */
  replyTo: chatThreadSchema.optional(),
  /** Who decides, when not the coworker's own approvers: a cross-team handoff goes to the receiver's. */
  approvers: z.array(z.string()).optional(),
  /** The arguments every surface shows first and whole (`consequentialArgs`); older snapshots lack it. */
  consequential: z.array(z.string()).optional(),
});
export type ApprovalRequest = z.output<typeof approvalRequestSchema>;

export const pendingApprovalSchema = approvalRequestSchema.extend({
  approvers: z.array(z.string()),
  requestedAt: z.number().int(),
  deadline: z.number().int().nullable(),
});
export type PendingApprovalView = z.output<typeof pendingApprovalSchema>;

export const coworkerStatusSchema = z.strictObject({
  state: coworkerStateSchema,
  since: z.number().int().describe('When the coworker entered its current status (epoch ms).'),
  backlog: z.number().int().nonnegative(),
  currentTaskId: z.string().optional(),
  waitingFor: z.string().optional().describe('What it waits for and on whom, in words.'),
  deadline: z.number().int().optional(),
  approvals: z.array(pendingApprovalSchema).optional().describe('Gated calls waiting for a decision.'),
  blockId: z.string().optional().describe('While blocked: the block an answer names (block.resolve blockId).'),
  attention: z
    .strictObject({
      error: z.string().describe('Why its stored snapshot could not be restored.'),
      schemaVersion: z.number().int().nullable().describe('The schema version the snapshot says it has; null when it is not a snapshot at all.'),
      hint: z.string().describe('What to do, in one sentence.'),
    })
    .optional()
    .describe('Set when the coworker needs attention: its snapshot could not be read or migrated, so it is not running (its commands wait on the bus); the rest of the status is the last one stored.'),
});
export type CoworkerStatus = z.output<typeof coworkerStatusSchema>;

const eventBase = { v: z.literal(PROTOCOL_VERSION), id: z.string().min(1), coworkerId: z.string().min(1), at: z.number().int() };

export const coworkerEventSchema = z.discriminatedUnion('type', [
  z.strictObject({ ...eventBase, type: z.literal('state.changed'), status: coworkerStatusSchema, previous: coworkerStateSchema.optional() }),
  z.strictObject({
    ...eventBase,
    type: z.literal('message'),
    to: z.strictObject({ kind: z.enum(['manager', 'channel', 'user']), id: z.string() }),
    text: z.string(),
    taskId: z.string().optional(),
    /** Where the conversation about the task is, for a chat gateway to answer in place. */
    thread: chatThreadSchema.optional(),
  }),
  z.strictObject({ ...eventBase, type: z.literal('approval.requested'), approval: pendingApprovalSchema }),
  z.strictObject({
    ...eventBase,
    type: z.literal('approval.decided'),
    approvalId: z.string(),
    taskId: z.string(),
    outcome: z.enum(['approved', 'rejected', 'edited', 'expired', 'cancelled']),
    by: z.string(),
    reason: z.string().optional(),
  }),
  z.strictObject({ ...eventBase, type: z.literal('audit'), entry: auditRecordSchema }),
  z.strictObject({ ...eventBase, type: z.literal('decision.refused'), approvalId: z.string(), by: z.string(), reason: z.string() }),
  z.strictObject({ ...eventBase, type: z.literal('handoff.offered'), task: taskSchema.required({ handoff: true }), to: handoffPartySchema }),
  z.strictObject({
    ...eventBase,
    type: z.literal('handoff.answered'),
    /** The sender, who gets the answer. */
    to: z.string(),
    originTaskId: z.string(),
    taskId: z.string(),
    outcome: z.enum(['accepted', 'declined']),
    reason: z.string().optional(),
  }),
  z.strictObject({ ...eventBase, type: z.literal('handoff.refused'), taskId: z.string(), by: z.string(), reason: z.string() }),
]);
export type CoworkerEvent = z.output<typeof coworkerEventSchema>;
export type CoworkerEventType = CoworkerEvent['type'];

/** An event a connector emits (`trg.<event>`), e.g. crm.deal.stale; jobs whose triggers match it run. */
export const triggerEventSchema = z.strictObject({
  v: z.literal(PROTOCOL_VERSION),
  id: z.string().min(1),
  event: z.string().regex(/^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/),
  data: z.record(z.string(), z.unknown()),
  at: z.number().int(),
});
export type TriggerEvent = z.output<typeof triggerEventSchema>;
