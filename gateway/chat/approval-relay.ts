// Approvals in chat, whichever chat: each approval request is posted by a surface (Slack, Teams)
// to the approvers it reaches, remembered in the store, and every message posted for it is shown
// as decided once the coworker decided, by whichever gateway process gets that event, after a
// restart too. The coworker decides whether a click counts (approvers only, each approval once);
// gateways only carry decisions in and report back.
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

/** What was posted for one approval in one chat: collection `chat-posts`, id `<chat>:<approval id>`, deleted once it is decided. */
interface Posts<Posted> {
  approval: PendingApproval;
  messages: Posted[];
}

export const CHAT_POSTS_COLLECTION = 'chat-posts';

export function createApprovalRelay<Posted>(chat: 'slack' | 'teams', surface: ApprovalSurface<Posted>, deps: { store: Store; directory: Directory }) {
  const { documents } = deps.store;
  const seen = createSeenEvents();
  const idOf = (approvalId: string) => `${chat}:${approvalId}`;
  return {
    /** The approval while it waits for a decision: from the store. */
    async pending(approvalId: string): Promise<PendingApproval | undefined> {
      return (await listApprovals(deps.store)).find((approval) => approval.id === approvalId);
    },
    onApprovalRequested: (message: BusMessage) =>
      seen.once(message, async (event) => {
        if (event.type !== 'approval.requested') return;
        const approval = { ...event.approval, coworkerId: event.coworkerId };
        const coworker = await deps.directory.byId(approval.coworkerId);
        if (!coworker) return;
        const posted = await surface.post(coworker, approval);
        // Asked again (a new manager, say): its earlier messages are closed with the later ones.
        const earlier = (await documents.get<Posts<Posted>>(CHAT_POSTS_COLLECTION, idOf(approval.id)))?.messages ?? [];
        await documents.put(CHAT_POSTS_COLLECTION, idOf(approval.id), { approval, messages: [...earlier, ...posted] } satisfies Posts<Posted>);
      }),
    onApprovalDecided: (message: BusMessage) =>
      seen.once(message, async (event) => {
        if (event.type !== 'approval.decided') return;
        const entry = await documents.get<Posts<Posted>>(CHAT_POSTS_COLLECTION, idOf(event.approvalId));
        const coworker = await deps.directory.byId(event.coworkerId);
        if (!entry || !coworker) return;
        const decision = { outcome: event.outcome, by: event.by, at: event.at, ...(event.reason ? { reason: event.reason } : {}) };
        await surface.showDecided(coworker, entry.approval, decision, entry.messages);
        await documents.delete(CHAT_POSTS_COLLECTION, idOf(event.approvalId));
      }),
  };
}
