// The task runner fills the statechart's `runTask` slot: one step of work on the current task,
// ending with progress, done, waiting for approval, blocked, or failed. The agent runner (model,
// tools, policy) is the real one; tests provide scripted ones.
import type { AuditRecord, CoworkerDefinition } from '../protocol/index.ts';
import type { RunInput, RunOutcome } from '../machines/index.ts';

type WithoutTime<T> = T extends unknown ? Omit<T, 'at'> : never;
export type RunResult = WithoutTime<RunOutcome>;

export interface RunContext extends RunInput {
  definition: CoworkerDefinition;
  /** Aborted when the coworker stops (shutdown, cancellation); the step is re-run after a restore. */
  signal: AbortSignal;
  /**
   * Appends to the coworker's audit trail. The id makes it idempotent: a step re-run after a
   * crash records the same entry again, which is stored once.
   */
  audit(id: string, record: AuditRecord): Promise<void>;
  now(): number;
}

/** Must be idempotent: a step in flight at a crash runs again after the restore. */
export type TaskRunner = (context: RunContext) => Promise<RunResult>;
