// What the agent runner keeps between steps of one run, inside the coworker's snapshot: the
// conversation with the model, the counters the budget checks, and what the run waits for.
import { mapChatMessagesToStoredMessages, mapStoredMessagesToChatMessages, type BaseMessage, type StoredMessage } from '@langchain/core/messages';
import type { ApprovalGrant, ApprovalRequest } from '../protocol/index.ts';

/** A call to run (again) once the manager answers: a connector that kept failing. */
export interface RetryCall {
  toolCallId: string;
  tool: string;
  args: Record<string, unknown>;
  key: string;
  grant?: ApprovalGrant;
}

export type Awaiting =
  | { kind: 'approvals'; requests: ApprovalRequest[] }
  | { kind: 'answer'; reason: 'question'; toolCallId: string }
  | { kind: 'answer'; reason: 'budget' }
  | { kind: 'answer'; reason: 'failure'; retry: RetryCall }
  /** The task was offered to another coworker: a decline comes back as the handoff call's result. */
  | { kind: 'handoff'; toolCallId: string };

export interface RunState {
  messages: StoredMessage[];
  /** Model turns and tool executions so far. */
  steps: number;
  tokens: number;
  /** What the budget allows this run; the manager extends it by another budget. */
  allowance: { steps: number; tokens: number };
  awaiting: Awaiting | null;
}

export function newRunState(budget: { stepsPerRun: number; tokensPerRun: number }): RunState {
  return { messages: [], steps: 0, tokens: 0, allowance: { steps: budget.stepsPerRun, tokens: budget.tokensPerRun }, awaiting: null };
}

export function messagesOf(state: RunState): BaseMessage[] {
  return mapStoredMessagesToChatMessages(state.messages);
}

export function withMessages(state: RunState, messages: BaseMessage[]): RunState {
  return { ...state, messages: mapChatMessagesToStoredMessages(messages) };
}
