// A decision made by a click in chat: sent like any other (decideApproval), and what came of it
// put in the words every chat shows the person who clicked.
import { isCoworkersError } from '../../protocol/index.ts';
import { decideApproval, type DecisionRequest } from '../approval-commands.ts';
import type { CommandDeps } from '../coworker-commands.ts';

/** Applied, or a sentence for the person; `gone` when the approval no longer waits, so its message should say so. */
export type ChatDecisionResult = { status: 'applied'; outcome: string } | { status: 'told'; text: string; gone: boolean };

export async function decideInChat(deps: CommandDeps, request: DecisionRequest): Promise<ChatDecisionResult> {
  try {
    const result = await decideApproval(deps, request);
    if (result.status === 'applied') return { status: 'applied', outcome: result.outcome };
    if (result.status === 'refused') return { status: 'told', text: `You can't decide this one: ${result.reason}.`, gone: false };
    return { status: 'told', text: 'Your decision was sent; the coworker has not confirmed it yet.', gone: false };
  } catch (error) {
    if (!isCoworkersError(error, 'APPROVAL_NOT_FOUND')) throw error;
    return { status: 'told', text: 'This approval is no longer waiting for a decision (decided, expired or cancelled).', gone: true };
  }
}
