// The audit trail: one append-only entry per decision a coworker or a person made. Entries
// travel as `audit` events and are stored by id, so a repeat (a replay, a re-run step after a
// crash) is the same entry, never a second one.
import { z } from 'zod';

/** The coworker id the console's own audit entries are kept under (sign-ins, sign-outs, refusals); no coworker may take it. */
export const CONSOLE_AUDIT_ID = 'console';

export const AUDIT_KINDS = [
  'run.started',
  'run.finished',
  'run.failed',
  'tool.proposed',
  'tool.classified',
  'tool.refused',
  /** A call the model could not have meant as sent: arguments that are not JSON, an unknown tool, arguments its schema refuses. */
  'tool.invalid',
  'tool.executed',
  'tool.failed',
  'approval.requested',
  'approval.decided',
  'approval.refused',
  /** A command the runtime would not apply: on the wrong subject, unsigned or badly signed, or not the sender's to give. */
  'command.refused',
  'budget.exceeded',
  'budget.extended',
  'blocked',
  'unblocked',
  'escalated',
  'task.cancelled',
  'handoff.offered',
  'handoff.accepted',
  'handoff.declined',
  'handoff.received',
  'assigned',
  /** The console's own entries, under the reserved coworker id "console": a person signed in or out (or an admin ended their session), or was refused. */
  'console.signed-in',
  'console.signed-out',
  'console.refused',
] as const;
export const auditKindSchema = z.enum(AUDIT_KINDS);
export type AuditKind = z.output<typeof auditKindSchema>;

/** What the emitter says; the event around it adds id, coworker and time. */
export const auditRecordSchema = z.strictObject({
  kind: auditKindSchema,
  /** Who decided: the coworker's id, a person's id, or "policy". */
  by: z.string().min(1),
  runId: z.string().optional(),
  jobId: z.string().optional(),
  tool: z.string().optional(),
  approvalId: z.string().optional(),
  /** One line for people. */
  summary: z.string(),
  detail: z.record(z.string(), z.unknown()).optional(),
});
export type AuditRecord = z.output<typeof auditRecordSchema>;

export const auditEntrySchema = auditRecordSchema.extend({
  id: z.string().min(1),
  coworkerId: z.string().min(1),
  at: z.number().int(),
});
export type AuditEntry = z.output<typeof auditEntrySchema>;

export interface AuditQuery {
  coworkerId: string;
  runId?: string;
  jobId?: string;
  /** Epoch ms, inclusive. */
  from?: number;
  /** Epoch ms, exclusive. */
  to?: number;
  /** Newest entries up to this many, returned oldest first. Default 1,000. */
  limit?: number;
}
