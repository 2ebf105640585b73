// Approvals in Slack: each approval request becomes a Block Kit message to the approvers (a DM
// each, or the task's thread), clicks and modals become decisions on the bus, and each decision
// updates every message of its approval so no live buttons are left behind. The coworker decides
// whether a click counts (approvers only, each approval once); the gateway only reports back.
import type { App } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import type { Logger } from 'pino';
import type { Bus, BusMessage } from '../../messaging/index.ts';
import type { Store } from '../../persistence/index.ts';
import { isCoworkersError, type CoworkerEvent, type PendingApprovalView } from '../../protocol/index.ts';
import { decideApproval, listApprovals, type DecisionRequest } from '../approval-commands.ts';
import type { Directory } from './slack-directory.ts';
import { createSeenEvents } from './slack-events.ts';
import { ACTIONS, VIEWS, EDIT_BLOCK_ID, approvalMessage, argsFrom, decidedMessage, decodeRef, editModal, reasonFrom, rejectModal, type ApprovalRef } from './slack-blocks.ts';
import { lookOf, postAs, type Posted } from './slack-voice.ts';

export interface ApprovalDeps {
  bus: Bus;
  store: Store;
  directory: Directory;
  logger: Logger;
  now: () => number;
}

type Approval = PendingApprovalView & { coworkerId: string };

/** Messages posted per approval, to update them once it is decided. Kept in memory: after a gateway restart, a click on an old message still gets an answer and updates it. */
interface Posts {
  approval: Approval;
  messages: Posted[];
}

export function createApprovalFlow(app: App, deps: ApprovalDeps) {
  const posts = new Map<string, Posts>();
  const seen = createSeenEvents();

  async function pending(ref: ApprovalRef): Promise<Approval | undefined> {
    return posts.get(ref.approvalId)?.approval ?? (await listApprovals(deps.store)).find((approval) => approval.id === ref.approvalId);
  }

  async function requested(client: WebClient, approval: Approval): Promise<void> {
    const coworker = await deps.directory.byId(approval.coworkerId);
    if (!coworker) return;
    const message = approvalMessage(lookOf(coworker), approval);
    // A cross-team handoff is decided by the receiving team's approvers, who may not be in the sender's thread.
    const inThread = coworker.approval.askIn === 'thread' && approval.replyTo && approval.tool !== 'handoff';
    const targets = inThread ? [{ channel: approval.replyTo!.channel, threadTs: approval.replyTo!.threadTs }] : approval.approvers.map((approver) => ({ channel: approver }));
    const entry: Posts = posts.get(approval.id) ?? { approval, messages: [] };
    posts.set(approval.id, entry);
    for (const target of targets) entry.messages.push(await postAs(client, coworker, target, message));
  }

  async function decided(client: WebClient, decision: Extract<CoworkerEvent, { type: 'approval.decided' }>): Promise<void> {
    const entry = posts.get(decision.approvalId);
    const coworker = await deps.directory.byId(decision.coworkerId);
    if (!entry || !coworker) return;
    posts.delete(decision.approvalId);
    const message = decidedMessage(lookOf(coworker), entry.approval, { outcome: decision.outcome, by: decision.by, at: decision.at, ...(decision.reason ? { reason: decision.reason } : {}) });
    await Promise.all(entry.messages.map((posted) => client.chat.update({ channel: posted.channel, ts: posted.ts, text: message.text, blocks: message.blocks })));
  }

  /** Sends the decision and tells the person what came of it when it was not applied. */
  async function decide(client: WebClient, where: { channel: string; user: string; ts?: string }, request: DecisionRequest): Promise<void> {
    const tell = (text: string) => client.chat.postEphemeral({ channel: where.channel, user: where.user, text });
    try {
      const result = await decideApproval({ bus: deps.bus, store: deps.store, now: deps.now }, request);
      if (result.status === 'refused') await tell(`You can't decide this one: ${result.reason}.`);
      if (result.status === 'unconfirmed') await tell('Your decision was sent; the coworker has not confirmed it yet.');
    } catch (error) {
      if (!isCoworkersError(error, 'APPROVAL_NOT_FOUND')) throw error;
      await tell('This approval is no longer waiting for a decision (decided, expired or cancelled).');
      if (where.ts) await client.chat.update({ channel: where.channel, ts: where.ts, text: 'No longer waiting for a decision.', blocks: [] });
    }
  }

  app.action(ACTIONS.approve, async ({ ack, body, client, action }) => {
    await ack(); // Slack wants an answer in three seconds; the decision and the connector follow
    if (body.type !== 'block_actions' || action.type !== 'button') return;
    const ref = decodeRef(action.value ?? '');
    await decide(client, { channel: body.channel?.id ?? body.user.id, user: body.user.id, ...(body.message?.ts ? { ts: body.message.ts } : {}) }, { approvalId: ref.approvalId, decision: 'approved', by: body.user.id });
  });

  for (const [actionId, modal] of [
    [ACTIONS.reject, rejectModal],
    [ACTIONS.edit, editModal],
  ] as const) {
    app.action(actionId, async ({ ack, body, client, action }) => {
      await ack();
      if (body.type !== 'block_actions' || action.type !== 'button') return;
      const channel = body.channel?.id ?? body.user.id;
      const ref: ApprovalRef = { ...decodeRef(action.value ?? ''), channel, ...(body.message?.ts ? { ts: body.message.ts } : {}) };
      const approval = await pending(ref);
      if (!approval) {
        await client.chat.postEphemeral({ channel, user: body.user.id, text: 'This approval is no longer waiting for a decision.' });
        return;
      }
      await client.views.open({ trigger_id: body.trigger_id, view: modal(ref, approval) });
    });
  }

  app.view(VIEWS.reject, async ({ ack, body, view, client }) => {
    await ack();
    const ref = decodeRef(view.private_metadata);
    const reason = reasonFrom(view);
    await decide(client, { channel: ref.channel ?? body.user.id, user: body.user.id }, { approvalId: ref.approvalId, decision: 'rejected', by: body.user.id, ...(reason ? { reason } : {}) });
  });

  app.view(VIEWS.edit, async ({ ack, body, view, client }) => {
    const parsed = argsFrom(view);
    if ('error' in parsed) {
      await ack({ response_action: 'errors', errors: { [EDIT_BLOCK_ID]: parsed.error } });
      return;
    }
    await ack();
    const ref = decodeRef(view.private_metadata);
    await decide(client, { channel: ref.channel ?? body.user.id, user: body.user.id }, { approvalId: ref.approvalId, decision: 'edited', by: body.user.id, args: parsed.args });
  });

  return {
    onApprovalRequested: (message: BusMessage) =>
      seen.once(message, async (received) => {
        if (received.type === 'approval.requested') await requested(app.client, { ...received.approval, coworkerId: received.coworkerId });
      }),
    onApprovalDecided: (message: BusMessage) =>
      seen.once(message, async (received) => {
        if (received.type === 'approval.decided') await decided(app.client, received);
      }),
  };
}
