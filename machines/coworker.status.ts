// What a coworker is doing, derived from its snapshot: for `list`, the store and the console.
import { CoworkersError, type CoworkerState, type CoworkerStatus } from '../protocol/index.ts';
import type { Block, CoworkerContext } from './coworker.types.ts';

interface SnapshotLike {
  value: unknown;
  context: CoworkerContext;
}

function stateOf(snapshot: SnapshotLike): CoworkerState {
  const value = snapshot.value as { status?: CoworkerState['status']; shift?: CoworkerState['shift'] } | undefined;
  // An actor XState could not restore (a state this machine lacks) has no value: say so, not a TypeError.
  if (typeof value?.status !== 'string' || typeof value.shift !== 'string') {
    throw new CoworkersError('INTERNAL', `the coworker's snapshot has no status and shift state (value: ${JSON.stringify(value ?? null)})`, {
      hint: 'restore this coworker from a backup of the store, or run the release that wrote it',
    });
  }
  return { status: value.status, shift: value.shift };
}

export function statusOf(snapshot: SnapshotLike): CoworkerStatus {
  const { context } = snapshot;
  const state = stateOf(snapshot);
  const status: CoworkerStatus = { state, since: context.since, backlog: context.backlog.length };
  if (context.current) status.currentTaskId = context.current.task.id;
  const offer = context.offers?.find((candidate) => candidate.current);
  if (state.status === 'awaitingApproval' && context.approval) {
    const { requests, requestedAt, deadline } = context.approval;
    const approvers = [...new Set(requests.flatMap((request) => request.approvers ?? context.policy.approvers))];
    status.waitingFor = `approval of ${requests.map((request) => `"${request.summary}"`).join(', ')} from ${approvers.join(', ')}`;
    if (deadline !== null) status.deadline = deadline;
    status.approvals = requests.map((request) => ({ ...request, approvers: request.approvers ?? context.policy.approvers, requestedAt, deadline }));
  } else if (state.status === 'awaitingApproval' && offer) {
    status.waitingFor = `${offer.to.name} (${offer.to.team}) to take the handoff of "${offer.original.text.slice(0, 80)}"`;
    if (context.handoffWait?.deadline != null) status.deadline = context.handoffWait.deadline;
  } else if (state.status === 'blocked' && context.block) {
    status.waitingFor = `an answer from ${context.policy.manager}: ${context.block.question}`;
    status.blockId = blockIdOf(context.block);
    if (context.block.deadline !== null) status.deadline = context.block.deadline;
  } else if (state.status === 'idle' && state.shift === 'offDuty' && context.backlog.length > 0) {
    status.waitingFor = 'the start of its shift';
  }
  return status;
}

/** The id an answer to this block must name; a block stored before block ids had one is named by when it began. */
export function blockIdOf(block: Block): string {
  return block.id ?? `block:${block.since}`;
}

/** The deadline the host must arm a timer for, if any. */
export function deadlineOf(context: CoworkerContext): number | null {
  return context.approval?.deadline ?? context.block?.deadline ?? context.handoffWait?.deadline ?? null;
}
