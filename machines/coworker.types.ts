// Types of the coworker statechart: its context, the events it accepts and the events it emits.
// Every event that moves time forward carries `at` (epoch ms): the machine itself has no clock.
import type { EscalationStep, Task } from '../protocol/index.ts';

export interface ApprovalRequest {
  id: string;
  /** What will happen if approved, in words, for the approver. */
  summary: string;
}

/** What one step of a task run ended with; the runner is an effect slot filled by actors/. */
export type RunOutcome =
  | { kind: 'done'; summary: string; at: number }
  | { kind: 'approvalNeeded'; approval: ApprovalRequest; at: number }
  | { kind: 'blocked'; question: string; at: number }
  | { kind: 'failed'; error: string; at: number };

/** What happened to the current task while it waited on people: fed back to the runner. */
export type TaskNote =
  | { kind: 'decision'; approvalId: string; decision: 'approved' | 'rejected'; by: string; reason?: string; at: number }
  | { kind: 'answer'; answer: string; by: string; at: number };

export interface RunInput {
  coworkerId: string;
  task: Task;
  notes: TaskNote[];
}

export interface Wait {
  /** Epoch ms at which the next escalation step fires; null once escalation is exhausted. */
  deadline: number | null;
  /** Index into the policy's escalation steps. */
  step: number;
}

export interface PendingApproval extends ApprovalRequest, Wait {
  requestedAt: number;
}

export interface Block extends Wait {
  question: string;
  since: number;
}

export interface CoworkerPolicy {
  manager: string;
  approvers: string[];
  deadlineMs: number;
  escalation: EscalationStep[];
}

export interface CoworkerContext {
  coworkerId: string;
  policy: CoworkerPolicy;
  backlog: Task[];
  current: { task: Task; notes: TaskNote[] } | null;
  approval: PendingApproval | null;
  block: Block | null;
  /** Ids of tasks seen lately, so a redelivered assignment is not queued twice. */
  recentTaskIds: string[];
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
  | { type: 'approval.decide'; approvalId: string; decision: 'approved' | 'rejected'; by: string; reason?: string; at: number }
  | { type: 'block.resolve'; answer: string; by: string; at: number }
  | { type: 'deadline.reached'; at: number }
  | { type: 'shift.start'; at: number }
  | { type: 'shift.end'; at: number }
  | { type: 'policy.update'; policy: CoworkerPolicy; at: number };

export type Recipient = { kind: 'manager' | 'user'; id: string };

export type CoworkerEmitted =
  | { type: 'message'; to: Recipient; text: string; taskId?: string }
  | { type: 'approval.requested'; approvalId: string; taskId: string; summary: string; approvers: string[]; deadline: number }
  | { type: 'decision.refused'; approvalId: string; by: string; reason: string };
