// Running one tool call through its connector: the approval check, the grant the runtime signs
// for every call that is not a read, retries with backoff for a connector that is away, and the
// audit entries. The idempotency key makes a re-run after a crash, or a retry, reach the
// connector as the same call, which it runs once.
import { CoworkersError, approvalHash, isCoworkersError, signGrant, type Signer, type ToolCall, type ToolResult } from '../protocol/index.ts';
import type { ApprovedUnder } from './run-state.ts';
import type { RunContext } from './task-runner.ts';

export type CallTool = (call: ToolCall) => Promise<ToolResult>;

export interface RetryPolicy {
  attempts: number;
  baseDelayMs: number;
}

export interface CallToExecute {
  toolCallId: string;
  tool: string;
  args: Record<string, unknown>;
  key: string;
  grant?: ApprovedUnder;
}

/** How a call gets its grant: the connector runs nothing that is not a read without one this runtime signed. */
export interface Granting {
  signer: Signer;
  /** By the tool's declared risk; a tool the runtime does not know counts as not a read. */
  isRead(tool: string): boolean;
  /** The coworker's current policy: an autonomous call runs under it. */
  policyVersion: string;
}

export type Execution =
  | { kind: 'ok'; result: unknown; replayed: boolean }
  /** The connector refused the call itself (bad arguments, unknown operation): the model can fix it. */
  | { kind: 'refused'; error: string }
  /** The connector stayed away through every retry: a person has to decide. */
  | { kind: 'unavailable'; error: string };

/**
 * The key of an autonomous call: its run, the model turn that proposed it and its position in
 * that turn, never its arguments, which a model asked again would change.
 */
export function autonomousKey(runId: string, turn: number, position: number): string {
  return `run:${runId}:t${turn}:c${position}`;
}

export function approvalKey(approvalId: string): string {
  return `approval:${approvalId}`;
}

function isTransient(error: unknown): boolean {
  return isCoworkersError(error) && (error.retryable || error.code === 'NO_RESPONDERS' || error.code === 'REQUEST_TIMEOUT');
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => (clearTimeout(timer), reject(signal.reason)), { once: true });
  });

/** Refuses to run an approved call whose arguments or policy are not the ones approved. */
export function assertGrantMatches(context: Pick<RunContext, 'coworkerId'>, call: CallToExecute, policyVersion: string): void {
  if (!call.grant) return;
  const expected = approvalHash({ coworkerId: context.coworkerId, tool: call.tool, args: call.args, policyVersion: call.grant.policyVersion });
  if (expected !== call.grant.argsHash) {
    throw new CoworkersError('APPROVAL_MISMATCH', `Approval ${call.grant.id} does not cover ${call.tool} with these arguments; nothing was executed.`, {
      hint: 'An approval executes exactly the call that was approved; edit the call to ask again.',
    });
  }
  if (call.grant.policyVersion !== policyVersion) {
    throw new CoworkersError('APPROVAL_MISMATCH', `Approval ${call.grant.id} was given under an older policy; nothing was executed.`, {
      hint: 'The coworker asks again under the current policy.',
    });
  }
}

function withGrant(call: Omit<ToolCall, 'approval'>, grant: ApprovedUnder | undefined, granting: Granting): ToolCall {
  if (granting.isRead(call.tool)) return call;
  const approval = grant && { approvalId: grant.id, ...(grant.approvedBy ? { approvedBy: grant.approvedBy } : {}) };
  return { ...call, approval: signGrant(granting.signer, call, grant?.policyVersion ?? granting.policyVersion, approval) };
}

export async function executeCall(context: RunContext, callTool: CallTool, retry: RetryPolicy, call: CallToExecute, granting: Granting): Promise<Execution> {
  const runId = context.task.id;
  const request = withGrant({ v: 1, tool: call.tool, args: call.args, coworkerId: context.coworkerId, runId, idempotencyKey: call.key }, call.grant, granting);
  const base = { runId, tool: call.tool, ...(context.task.jobId ? { jobId: context.task.jobId } : {}), ...(call.grant ? { approvalId: call.grant.id } : {}) };
  for (let attempt = 1; ; attempt++) {
    try {
      const { result, replayed } = await callTool(request);
      await context.audit(`${call.key}:executed`, {
        ...base,
        kind: 'tool.executed',
        by: context.coworkerId,
        summary: `ran ${call.tool}${call.grant ? ` under approval ${call.grant.id}` : ''}`,
        detail: { args: call.args, key: call.key, result },
      });
      return { kind: 'ok', result, replayed };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (isTransient(error) && attempt < retry.attempts) {
        await sleep(retry.baseDelayMs * 2 ** (attempt - 1), context.signal);
        continue;
      }
      await context.audit(`${call.key}:failed:${attempt}`, { ...base, kind: 'tool.failed', by: context.coworkerId, summary: `${call.tool} failed: ${message}`, detail: { attempts: attempt } });
      return isTransient(error) ? { kind: 'unavailable', error: message } : { kind: 'refused', error: message };
    }
  }
}
