// The task runner fills the statechart's `runTask` slot: one step of work on the current task,
// ending done, waiting for approval, blocked, or failed. The work loop (jobs, tools, model)
// provides the real one; tests provide scripted ones.
import type { CoworkerDefinition } from '../protocol/index.ts';
import type { RunInput, RunOutcome } from '../machines/index.ts';

type WithoutTime<T> = T extends unknown ? Omit<T, 'at'> : never;
export type RunResult = WithoutTime<RunOutcome>;

export interface RunContext extends RunInput {
  definition: CoworkerDefinition;
  /** Aborted when the coworker stops (shutdown, cancellation); the step is re-run after a restore. */
  signal: AbortSignal;
}

/** Must be idempotent: a step in flight at a crash runs again after the restore. */
export type TaskRunner = (context: RunContext) => Promise<RunResult>;
