// Commands to coworkers and events from them: the payloads every service shares, versioned by
// the `v` field and by the subject prefix (subjects.ts).
import { z } from 'zod';

export const PROTOCOL_VERSION = 1 as const;

export const taskSchema = z.strictObject({
  id: z.string().min(1),
  text: z.string().min(1, { message: 'a task needs a text: what should the coworker do?' }).max(10_000),
  source: z.enum(['person', 'schedule', 'trigger', 'handoff']),
  requestedBy: z.string().min(1).describe('Who asked: a Slack user id, "cli:<user>", "schedule" or a coworker id.'),
  jobId: z.string().optional(),
  createdAt: z.number().int(),
});
export type Task = z.output<typeof taskSchema>;

const commandBase = { v: z.literal(PROTOCOL_VERSION), id: z.string().min(1), coworkerId: z.string().min(1), at: z.number().int() };

export const commandSchema = z.discriminatedUnion('type', [
  z.strictObject({ ...commandBase, type: z.literal('task.assign'), task: taskSchema }),
  z.strictObject({ ...commandBase, type: z.literal('task.cancel'), taskId: z.string().min(1), by: z.string().min(1) }),
  z.strictObject({
    ...commandBase,
    type: z.literal('approval.decide'),
    approvalId: z.string().min(1),
    decision: z.enum(['approved', 'rejected']),
    by: z.string().min(1),
    reason: z.string().optional(),
  }),
  z.strictObject({ ...commandBase, type: z.literal('block.resolve'), answer: z.string().min(1), by: z.string().min(1) }),
]);
export type Command = z.output<typeof commandSchema>;
export type CommandType = Command['type'];

export const coworkerStateSchema = z.strictObject({
  status: z.enum(['idle', 'working', 'awaitingApproval', 'blocked']),
  shift: z.enum(['onDuty', 'offDuty']),
});
export type CoworkerState = z.output<typeof coworkerStateSchema>;

/** What `list`, the console and the gateway need to know about a coworker without its snapshot. */
export const coworkerStatusSchema = z.strictObject({
  state: coworkerStateSchema,
  since: z.number().int().describe('When the coworker entered its current status (epoch ms).'),
  backlog: z.number().int().nonnegative(),
  currentTaskId: z.string().optional(),
  waitingFor: z.string().optional().describe('What it waits for and on whom, in words.'),
  deadline: z.number().int().optional(),
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
  }),
  z.strictObject({
    ...eventBase,
    type: z.literal('approval.requested'),
    approvalId: z.string(),
    taskId: z.string(),
    summary: z.string(),
    approvers: z.array(z.string()),
    deadline: z.number().int(),
  }),
  z.strictObject({ ...eventBase, type: z.literal('decision.refused'), approvalId: z.string(), by: z.string(), reason: z.string() }),
]);
export type CoworkerEvent = z.output<typeof coworkerEventSchema>;
export type CoworkerEventType = CoworkerEvent['type'];
