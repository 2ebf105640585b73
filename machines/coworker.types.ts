// Types of the coworker statechart: its context, the events it accepts and the events it emits.
// Every event that moves time forward carries `at` (epoch ms): the machine itself has no clock.
import type { ApprovalRequest, AuditRecord, ChatThread, EscalationStep, HandoffParty, PendingApprovalView, Task } from '../protocol/index.ts';

export type { ApprovalRequest };

/**
 * What one step of a task run ended with; the runner is an effect slot filled by actors/.
 * `run` is the runner's own state (its transcript, counters), kept in the snapshot and handed
 * back to the next step; the machine never looks inside.
 */
export type RunOutcome =
  | { kind: 'progress'; run: unknown; at: number }
  | { kind: 'done'; summary: string; run?: unknown; at: number }
  | { kind: 'approvalNeeded'; requests: ApprovalRequest[]; run: unknown; at: number }
  | { kind: 'blocked'; question: string; run?: unknown; at: number }
  /** Offers the current task to another coworker; the run waits for the answer, and ends if it is taken. */
  | { kind: 'handoff'; task: HandoffTask; to: HandoffParty; run: unknown; at: number }
  | { kind: 'failed'; error: string; at: number };

export type Decision = 'approved' | 'rejected' | 'edited';

/** What happened to the current task while it waited on people: fed to the next step, then cleared. */
export type TaskNote =
  | { kind: 'decision'; approvalId: string; decision: Decision | 'expired'; by: string; reason?: string; args?: Record<string, unknown>; at: number }
  | { kind: 'answer'; answer: string; by: string; at: number }
  | { kind: 'handoff'; outcome: 'declined'; to: string; reason: string; at: number };

/** A task handed to another coworker: its handoff context is always there. */
export type HandoffTask = Task & { handoff: NonNullable<Task['handoff']> };

/** A task offered to another coworker and not answered yet. */
export interface OutgoingOffer {
  /** The sender's own task, kept until the receiver takes it. */
  original: Task;
  task: HandoffTask;
  to: HandoffParty;
  /** True for the task the coworker was running (it waits); false for a queued task a person moved. */
  current: boolean;
  at: number;
}

/** How this coworker answered an offer, so a repeated offer gets the same answer again. */
export interface OfferAnswer {
  taskId: string;
  outcome: 'accepted' | 'declined';
  reason?: string;
}

export interface RunInput {
  coworkerId: string;
  task: Task;
  notes: TaskNote[];
  run: unknown;
}

export interface Wait {
  /** Epoch ms at which the next escalation step fires; null once escalation is exhausted. */
  deadline: number | null;
  /** Index into the policy's escalation steps. */
  step: number;
}

/** The gated calls of one step, each decided on its own; the run resumes when none is left. */
export interface ApprovalWait extends Wait {
  requests: ApprovalRequest[];
  requestedAt: number;
}

export interface Block extends Wait {
  /** What an answer names (`block.resolve` blockId); absent in snapshots from before block ids. */
  id?: string;
  question: string;
  since: number;
}

export interface CoworkerPolicy {
  manager: string;
  approvers: string[];
  deadlineMs: number;
  escalation: EscalationStep[];
  team: string;
  /** Which handoffs it takes: team ids, coworker ids or "*", and how full its backlog may be. */
  handoffs: { acceptFrom: string[]; maxBacklog: number };
}

export interface RecentDecision {
  approvalId: string;
  outcome: string;
  by: string;
  at: number;
}

export interface CoworkerContext {
  coworkerId: string;
  policy: CoworkerPolicy;
  backlog: Task[];
  current: { task: Task; notes: TaskNote[]; run: unknown } | null;
  approval: ApprovalWait | null;
  block: Block | null;
  /** Tasks offered to other coworkers, waiting for their answer (absent in snapshots from before handoffs). */
  offers?: OutgoingOffer[];
  /** The wait of the current task's offer: its escalation deadline. */
  handoffWait?: Wait | null;
  /** Offers answered lately. */
  recentOfferAnswers?: OfferAnswer[];
  /** How many blocks this coworker has opened: numbers the next block's id (absent in older snapshots). */
  blocksOpened?: number;
  /** Ids of tasks seen lately, so a redelivered assignment is not queued twice. */
  recentTaskIds: string[];
  /** Approvals decided lately, so a second click is told who decided first. */
  recentDecisions: RecentDecision[];
  /** When the coworker entered its current status. */
  since: number;
}

export interface CoworkerInput {
  coworkerId: string;
  policy: CoworkerPolicy;
  now: number;
}

export type CoworkerEvent =
  | { type: 'task.assign'; task: Task; at: number }
  | { type: 'task.cancel'; taskId: string; by: string; at: number }
  | { type: 'approval.decide'; approvalId: string; decision: Decision; by: string; reason?: string; args?: Record<string, unknown>; at: number }
  | { type: 'block.resolve'; blockId: string; answer: string; by: string; at: number }
  | { type: 'deadline.reached'; at: number }
  | { type: 'shift.start'; at: number }
  | { type: 'shift.end'; at: number }
  | { type: 'policy.update'; policy: CoworkerPolicy; at: number }
  | { type: 'handoff.offer'; task: HandoffTask; at: number }
  | { type: 'handoff.answer'; originTaskId: string; taskId: string; outcome: 'accepted' | 'declined'; by: string; reason?: string; at: number }
  | { type: 'task.reassign'; taskId: string; from: HandoffParty; to: HandoffParty; toApprovers: string[]; by: string; at: number };

export type Recipient = { kind: 'manager' | 'user'; id: string };

export type DecisionOutcome = Decision | 'expired' | 'cancelled';

export type CoworkerEmitted =
  | { type: 'message'; to: Recipient; text: string; taskId?: string; thread?: ChatThread }
  | { type: 'approval.requested'; approval: PendingApprovalView }
  | { type: 'approval.decided'; approvalId: string; taskId: string; outcome: DecisionOutcome; by: string; reason?: string }
  | { type: 'decision.refused'; approvalId: string; by: string; reason: string }
  | { type: 'audit'; entry: AuditRecord }
  | { type: 'handoff.offered'; task: HandoffTask; to: HandoffParty }
  | { type: 'handoff.answered'; to: string; originTaskId: string; taskId: string; outcome: 'accepted' | 'declined'; reason?: string }
  | { type: 'handoff.refused'; taskId: string; by: string; reason: string };
