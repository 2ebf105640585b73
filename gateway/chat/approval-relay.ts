// Approvals in chat, whichever chat: each approval request is posted by a surface (Slack, Teams)
// to the approvers it reaches, remembered, and every message posted for it is shown as decided
// once the coworker decided. The coworker decides whether a click counts (approvers only, each
// approval once); gateways only carry decisions in and report back.
import type { BusMessage } from '../../messaging/index.ts';
import type { Store } from '../../persistence/index.ts';
import type { CoworkerDefinition } from '../../protocol/index.ts';
import { listApprovals, type PendingApproval } from '../approval-commands.ts';
import type { Directory } from './directory.ts';
import { createSeenEvents } from './seen-events.ts';

export interface ChatDecision {
  outcome: string;
  by: string;
  at: number;
  reason?: string;
}

/** What one chat does with approvals; `Posted` is whatever it needs to find a message again. */
export interface ApprovalSurface<Posted> {
  /** Posts the approval where this chat asks its approvers; returns what it posted (none when it reaches nobody). */
  post(coworker: CoworkerDefinition, approval: PendingApproval): Promise<Posted[]>;
  /** Turns each posted message into its decided form: who, when, the outcome, no buttons left. */
  showDecided(coworker: CoworkerDefinition, approval: PendingApproval, decision: ChatDecision, posted: Posted[]): Promise<void>;
}

/** Messages posted per approval are kept in memory: after a gateway restart a click on an old one still gets an answer. */
export function createApprovalRelay<Posted>(surface: ApprovalSurface<Posted>, deps: { store: Store; directory: Directory }) {
  const posts = new Map<string, { approval: PendingApproval; messages: Posted[] }>();
  const seen = createSeenEvents();
  return {
    /** The approval while it waits for a decision, from what was posted or from the store. */
    async pending(approvalId: string): Promise<PendingApproval | undefined> {
      return posts.get(approvalId)?.approval ?? (await listApprovals(deps.store)).find((approval) => approval.id === approvalId);
    },
    onApprovalRequested: (message: BusMessage) =>
      seen.once(message, async (event) => {
        if (event.type !== 'approval.requested') return;
        const approval = { ...event.approval, coworkerId: event.coworkerId };
        const coworker = await deps.directory.byId(approval.coworkerId);
        if (!coworker) return;
        const entry = posts.get(approval.id) ?? { approval, messages: [] };
        posts.set(approval.id, entry);
        entry.messages.push(...(await surface.post(coworker, approval)));
      }),
    onApprovalDecided: (message: BusMessage) =>
      seen.once(message, async (event) => {
        if (event.type !== 'approval.decided') return;
        const entry = posts.get(event.approvalId);
        const coworker = await deps.directory.byId(event.coworkerId);
        if (!entry || !coworker) return;
        posts.delete(event.approvalId);
        const decision = { outcome: event.outcome, by: event.by, at: event.at, ...(event.reason ? { reason: event.reason } : {}) };
        await surface.showDecided(coworker, entry.approval, decision, entry.messages);
      }),
  };
}
