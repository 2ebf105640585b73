// What the agent runner keeps between steps of one run, inside the coworker's snapshot: the
// conversation with the model, the counters the budget checks, the recorded turn whose calls are
// being worked through (the write-ahead plan), and what the run waits for.
import { mapChatMessagesToStoredMessages, mapStoredMessagesToChatMessages, type BaseMessage, type StoredMessage } from '@langchain/core/messages';
import type { ApprovalRequest } from '../protocol/index.ts';

/** The approval a call runs under, as the snapshot keeps it; the call's signed grant is made from it as the call goes out. */
export interface ApprovedUnder {
  id: string;
  argsHash: string;
  policyVersion: string;
  /** The person who approved; runs stored before grants named them lack it. */
  approvedBy?: string;
}

/** A call to run (again) once the manager answers: a connector that kept failing. */
export interface RetryCall {
  toolCallId: string;
  tool: string;
  args: Record<string, unknown>;
  key: string;
  grant?: ApprovedUnder;
}

export type Awaiting =
  | { kind: 'approvals'; requests: ApprovalRequest[] }
  | { kind: 'answer'; reason: 'question'; toolCallId: string }
  | { kind: 'answer'; reason: 'budget' }
  | { kind: 'answer'; reason: 'failure'; retry: RetryCall }
  /** The task was offered to another coworker: a decline comes back as the handoff call's result. */
  | { kind: 'handoff'; toolCallId: string };

/**
 * One entry of a plan: a call the model proposed in the recorded turn (its position in the turn
 * keys it), or a call that runs with a key of its own: approved (`approval:<id>`) or retried.
 */
export type PlanItem =
  | {
      kind: 'proposed';
      toolCallId: string;
      /** The tool's name in the product (`crm.addNote`), or a built-in (`ask_manager`, `handoff`). */
      tool: string;
      args: Record<string, unknown>;
      /** Why it cannot run as proposed: arguments that are not JSON, an unknown tool, arguments its schema refuses. */
      problem?: string;
    }
  | { kind: 'approved'; request: ApprovalRequest; approvedBy?: string }
  | { kind: 'retry'; call: RetryCall };

/**
 * A model turn's calls (or approved calls), recorded in the snapshot before any of them runs and
 * worked through one side effect per step, so a restore goes on from here and never asks the
 * model again for this turn.
 */
export interface Plan {
  /** The model turn the calls came from: with a call's position, the key of an autonomous call. */
  turn: number;
  items: PlanItem[];
  /** How many items are handled (answered, asked for, or run). */
  done: number;
  /** Gated calls to ask for once every item is handled. */
  requests: ApprovalRequest[];
  /** A question for the manager (`ask_manager`), asked once every item is handled. */
  question: { toolCallId: string; text: string } | null;
  /** People's words for the model, added once every call has its answer (a transcript must answer calls first). */
  after: string[];
}

export interface RunState {
  messages: StoredMessage[];
  /** Model turns and tool executions so far. */
  steps: number;
  tokens: number;
  /** Model turns so far. */
  turns: number;
  /** What the budget allows this run; the manager extends it by another budget. */
  allowance: { steps: number; tokens: number };
  plan: Plan | null;
  awaiting: Awaiting | null;
}

export function newRunState(budget: { stepsPerRun: number; tokensPerRun: number }): RunState {
  return { messages: [], steps: 0, tokens: 0, turns: 0, allowance: { steps: budget.stepsPerRun, tokens: budget.tokensPerRun }, plan: null, awaiting: null };
}

/** A run stored before plans existed has neither a turn count nor a plan: its steps stand in for turns, which keeps keys unique. */
export function restoredRunState(stored: Partial<RunState> & Pick<RunState, 'messages' | 'steps' | 'tokens' | 'allowance' | 'awaiting'>): RunState {
  return { ...stored, turns: stored.turns ?? stored.steps, plan: stored.plan ?? null };
}

export function messagesOf(state: RunState): BaseMessage[] {
  return mapStoredMessagesToChatMessages(state.messages);
}

export function withMessages(state: RunState, messages: BaseMessage[]): RunState {
  return { ...state, messages: mapChatMessagesToStoredMessages(messages) };
}
