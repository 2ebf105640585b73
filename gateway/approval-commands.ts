// Approvals and the audit trail, whichever way people reach the runtime (CLI, control socket,
// later Slack and the console): the same lookups, the same decision command on the bus.
import { randomUUID } from 'node:crypto';
import type { Store } from '../persistence/index.ts';
import { findCoworker, type CommandDeps } from './coworker-commands.ts';
import {
  CONSOLE_AUDIT_ID,
  CoworkersError,
  PROTOCOL_VERSION,
  commandSchema,
  subjects,
  type AuditEntry,
  type AuditQuery,
  type CoworkerEvent,
  type PendingApprovalView,
} from '../protocol/index.ts';

export interface PendingApproval extends PendingApprovalView {
  coworkerId: string;
}

export interface DecisionRequest {
  approvalId: string;
  decision: 'approved' | 'rejected' | 'edited';
  by: string;
  reason?: string;
  args?: Record<string, unknown>;
}

/** What became of a decision: applied, refused (with why), or not confirmed in time. */
export type DecisionResult =
  | { status: 'applied'; coworkerId: string; outcome: string }
  | { status: 'refused'; coworkerId: string; reason: string }
  | { status: 'unconfirmed'; coworkerId: string };

const CONFIRM_TIMEOUT_MS = 5_000;

export async function listApprovals(store: Store): Promise<PendingApproval[]> {
  const coworkers = await store.listCoworkers();
  return coworkers
    .flatMap((coworker) => (coworker.status?.approvals ?? []).map((approval) => ({ ...approval, coworkerId: coworker.id })))
    .sort((a, b) => a.requestedAt - b.requestedAt);
}

/** Sends a decision to the coworker holding the approval and waits for its answer. */
export async function decideApproval(deps: CommandDeps, request: DecisionRequest): Promise<DecisionResult> {
  const pending = (await listApprovals(deps.store)).find((approval) => approval.id === request.approvalId);
  if (!pending) {
    throw new CoworkersError('APPROVAL_NOT_FOUND', `No approval ${request.approvalId} is waiting for a decision.`, {
      hint: 'It may have been decided already (see "coworkers audit <coworker>"); "coworkers approvals" lists the pending ones.',
    });
  }
  const coworkerId = pending.coworkerId;
  const id = randomUUID();
  const parsed = commandSchema.safeParse({ v: PROTOCOL_VERSION, id, coworkerId, at: deps.now(), type: 'approval.decide', ...request });
  if (!parsed.success) throw new CoworkersError('COMMAND_INVALID', `The decision is not valid: ${parsed.error.issues.map((issue) => issue.message).join('; ')}`);

  let settle: (result: DecisionResult) => void = () => {};
  const answered = new Promise<DecisionResult>((resolve) => (settle = resolve));
  const subscription = await deps.bus.subscribe(subjects.eventsOf(coworkerId), (message) => {
    const event = message.data as CoworkerEvent;
    if (event.type === 'approval.decided' && event.approvalId === request.approvalId && event.by === request.by) {
      settle({ status: 'applied', coworkerId, outcome: event.outcome });
    } else if (event.type === 'decision.refused' && event.approvalId === request.approvalId && event.by === request.by) {
      settle({ status: 'refused', coworkerId, reason: event.reason });
    }
  });
  const timer = setTimeout(() => settle({ status: 'unconfirmed', coworkerId }), CONFIRM_TIMEOUT_MS);
  try {
    await deps.bus.publish(subjects.commandFor(parsed.data), { ...parsed.data, signature: deps.signer.sign(parsed.data) }, { msgId: id });
    return await answered;
  } finally {
    clearTimeout(timer);
    await subscription.stop();
  }
}

export async function readAudit(store: Store, query: AuditQuery): Promise<AuditEntry[]> {
  // The console's own trail (sign-ins, refusals) is kept under a reserved id no coworker has.
  if (query.coworkerId !== CONSOLE_AUDIT_ID) await findCoworker(store, query.coworkerId);
  return store.queryAudit(query);
}
