// Approvals in Teams: each approval request becomes an Adaptive Card to the approvers Teams
// reaches (a one-to-one chat each, or the task's thread), its Action.Execute buttons become
// decisions on the bus, and each decision replaces every card of its approval with its decided
// form. The clicker's own card is replaced at once by the invoke's answer.
import type { AdaptiveCardActionResponse as InvokeAnswer } from '@microsoft/teams.api';
import type { App } from '@microsoft/teams.apps';
import type { Logger } from 'pino';
import type { Bus } from '../../messaging/index.ts';
import type { Store } from '../../persistence/index.ts';
import type { CoworkerDefinition, Signer } from '../../protocol/index.ts';
import type { DecisionRequest, PendingApproval } from '../approval-commands.ts';
import { createApprovalRelay } from '../chat/approval-relay.ts';
import { decideInChat, type ChatDecisionResult } from '../chat/decide-in-chat.ts';
import type { Directory } from '../chat/directory.ts';
import { approvalCard, cardActionFrom, decidedCard, editedArgs, goneCard, VERBS, type AdaptiveCard, type CardAction, type CardContext } from './teams-cards.ts';
import type { TeamsPeople } from './teams-people.ts';
import type { TeamsPosted, TeamsVoice } from './teams-voice.ts';

export interface TeamsApprovalDeps {
  bus: Bus;
  store: Store;
  directory: Directory;
  teamsPeople: TeamsPeople;
  voice: TeamsVoice;
  logger: Logger;
  now: () => number;
  /** Signs the decisions, answers and assignments of the people this gateway signed in. */
  signer: Signer;
  /** The console's public URL: a card that cannot hold the whole call links to its page there. */
  consoleUrl: string;
}

/** Teams waits about five seconds for an invoke's answer; a slower confirmation arrives as a card update. */
const ANSWER_WITHIN_MS = 3_500;

// Our cards are plain Adaptive Card JSON; the SDK's type for them is its card builder's.
const cardAnswer = (value: AdaptiveCard): InvokeAnswer => ({ statusCode: 200, type: 'application/vnd.microsoft.card.adaptive', value: value as never });
const messageAnswer = (value: string): InvokeAnswer => ({ statusCode: 200, type: 'application/vnd.microsoft.activity.message', value });

export function createTeamsApprovals(app: App, deps: TeamsApprovalDeps) {
  const { voice, teamsPeople } = deps;
  const contextOf = (coworker: CoworkerDefinition): CardContext => ({ coworker, nameOf: (id) => teamsPeople.nameOf(id, [coworker.manager]), consoleUrl: deps.consoleUrl });

  const relay = createApprovalRelay<TeamsPosted>(
    'teams',
    {
      async post(coworker: CoworkerDefinition, approval: PendingApproval) {
        const card = approvalCard(approval, contextOf(coworker));
        const thread = approval.replyTo?.chat === 'teams' ? approval.replyTo : undefined;
        // A cross-team handoff is decided by the receiving team's approvers, who may not be in the sender's thread.
        if (coworker.approval.askIn === 'thread' && thread && approval.tool !== 'handoff') return [await voice.show(thread.channel, card)];
        const reachable = approval.approvers.flatMap((approver) => teamsPeople.teamsIdOf(approver, [coworker.manager]) ?? []);
        const posted: TeamsPosted[] = [];
        for (const entraId of reachable) {
          // One approver Teams refuses (most often: they have not added the app) does not keep the card from the others.
          const shown = await voice.chatWith(entraId).then((chat) => voice.show(chat, card)).catch((error: unknown) => {
            deps.logger.warn({ err: error, approval: approval.id, entraId }, 'could not ask an approver in Teams (a 403 from Teams means they have not added the app)');
            return null;
          });
          if (shown) posted.push(shown);
        }
        return posted;
      },
      async showDecided(coworker, approval, decision, posted) {
        const card = decidedCard(approval, decision, contextOf(coworker));
        await Promise.all(posted.map((where) => voice.replace(where, card)));
      },
    },
    deps,
  );

  function requestOf(action: CardAction, by: string): DecisionRequest | { error: string } {
    if (action.verb === VERBS.approve) return { approvalId: action.approvalId, decision: 'approved', by };
    if (action.verb === VERBS.reject) return { approvalId: action.approvalId, decision: 'rejected', by, ...(action.reason && { reason: action.reason }) };
    const edited = editedArgs(action.args);
    return 'error' in edited ? edited : { approvalId: action.approvalId, decision: 'edited', by, args: edited.args };
  }

  app.on('card.action', async ({ activity }) => {
    const action = cardActionFrom(activity.value);
    if (!action) return messageAnswer('This is not an action of an approval card.');
    const entraId = activity.from.aadObjectId;
    const approval = await relay.pending(action.approvalId);
    const coworker = await deps.directory.byId(action.coworkerId);
    if (!approval || !coworker) return messageAnswer('This approval is no longer waiting for a decision (decided, expired or cancelled).');
    if (!entraId) return messageAnswer('Teams did not say who you are, so this cannot be decided here.');
    const by = teamsPeople.personOf(entraId, { managers: [coworker.manager], accepted: approval.approvers });
    const request = requestOf(action, by);
    if ('error' in request) return messageAnswer(request.error);
    const late: ChatDecisionResult = { status: 'told', text: 'Your decision was sent; this card changes once the coworker confirms it.', gone: false };
    const result = await Promise.race([decideInChat(deps, request), new Promise<ChatDecisionResult>((resolve) => setTimeout(() => resolve(late), ANSWER_WITHIN_MS).unref())]);
    const context = contextOf(coworker);
    if (result.status === 'applied') {
      return cardAnswer(decidedCard(approval, { outcome: result.outcome, by, at: deps.now(), ...(request.reason && { reason: request.reason }) }, context));
    }
    deps.logger.info({ approval: approval.id, by, answer: result.text }, 'teams decision not applied');
    return result.gone ? cardAnswer(goneCard(approval, context, result.text)) : messageAnswer(result.text);
  });

  return { onApprovalRequested: relay.onApprovalRequested, onApprovalDecided: relay.onApprovalDecided };
}
