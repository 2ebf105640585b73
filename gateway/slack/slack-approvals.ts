// Approvals in Slack: each approval request becomes a Block Kit message to the approvers (a DM
// each, or the task's thread), clicks and modals become decisions on the bus, and each decision
// updates every message of its approval so no live buttons are left behind. The coworker decides
// whether a click counts (approvers only, each approval once); the gateway only reports back.
import type { App } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import type { Logger } from 'pino';
import type { Bus } from '../../messaging/index.ts';
import type { Store } from '../../persistence/index.ts';
import { isSlackUserId, type CoworkerDefinition, type Signer } from '../../protocol/index.ts';
import type { DecisionRequest, PendingApproval } from '../approval-commands.ts';
import { createApprovalRelay, type ChatDecision } from '../chat/approval-relay.ts';
import { decideInChat } from '../chat/decide-in-chat.ts';
import type { Directory } from '../chat/directory.ts';
import { ACTIONS, VIEWS, EDIT_BLOCK_ID, approvalMessage, argsFrom, decidedMessage, decodeRef, editModal, reasonFrom, rejectModal, type ApprovalRef } from './slack-blocks.ts';
import { lookOf, postAs, type Posted } from './slack-voice.ts';

export interface ApprovalDeps {
  bus: Bus;
  store: Store;
  directory: Directory;
  logger: Logger;
  now: () => number;
  /** Signs the decisions, answers and assignments of the people this gateway signed in. */
  signer: Signer;
  /** The console's public URL: a message that cannot hold the whole call links to its page there. */
  consoleUrl: string;
}

export function createApprovalFlow(app: App, deps: ApprovalDeps) {
  const relay = createApprovalRelay<Posted>(
    'slack',
    {
      async post(coworker: CoworkerDefinition, approval: PendingApproval) {
        const message = approvalMessage(lookOf(coworker), approval, deps.consoleUrl);
        // A cross-team handoff is decided by the receiving team's approvers, who may not be in the sender's thread.
        const thread = approval.replyTo?.chat === 'teams' ? undefined : approval.replyTo;
        const inThread = coworker.approval.askIn === 'thread' && thread && approval.tool !== 'handoff';
        // Approvers named by their Teams id are asked in Teams.
        const targets = inThread ? [{ channel: thread.channel, threadTs: thread.threadTs }] : approval.approvers.filter(isSlackUserId).map((approver) => ({ channel: approver }));
        const posted: Posted[] = [];
        for (const target of targets) posted.push(await postAs(app.client, coworker, target, message));
        return posted;
      },
      async showDecided(coworker: CoworkerDefinition, approval: PendingApproval, decision: ChatDecision, posted: Posted[]) {
        const message = decidedMessage(lookOf(coworker), approval, decision, deps.consoleUrl);
        await Promise.all(posted.map((where) => app.client.chat.update({ channel: where.channel, ts: where.ts, text: message.text, blocks: message.blocks })));
      },
    },
    deps,
  );

  /** Sends the decision and tells the person what came of it when it was not applied. */
  async function decide(client: WebClient, where: { channel: string; user: string; ts?: string }, request: DecisionRequest): Promise<void> {
    const result = await decideInChat(deps, request);
    if (result.status === 'applied') return;
    await client.chat.postEphemeral({ channel: where.channel, user: where.user, text: result.text });
    if (result.gone && where.ts) await client.chat.update({ channel: where.channel, ts: where.ts, text: 'No longer waiting for a decision.', blocks: [] });
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
      const approval = await relay.pending(ref.approvalId);
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

  return { onApprovalRequested: relay.onApprovalRequested, onApprovalDecided: relay.onApprovalDecided };
}
