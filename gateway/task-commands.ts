// Moving a task between coworkers, whichever way people reach the runtime (CLI, control socket,
// the console, Slack): the same checks, the same command, and the answer once the receiver gave it.
// The owner refuses to move the task it is running; a queued one moves atomically (the receiver's
// snapshot write takes it, the owner lets go when told).
import { randomUUID } from 'node:crypto';
import { CoworkersError, PROTOCOL_VERSION, approversOf, commandSchema, personId, subjects, type CoworkerDefinition, type CoworkerEvent } from '../protocol/index.ts';
import { findCoworker, type CommandDeps } from './coworker-commands.ts';

export interface ReassignRequest {
  /** The coworker that has the task now. */
  coworkerId: string;
  taskId: string;
  /** The coworker that should take it. */
  to: string;
  /** Who moves it: the owner's or the receiver's manager or approver (a Slack id), or the operator ("cli:<user>"). */
  by: string;
}

/** Taken by the receiver, declined by its policy, refused by the owner, or not answered in time. */
export type ReassignResult =
  | { status: 'accepted'; coworkerId: string; to: string; newTaskId: string }
  | { status: 'declined'; coworkerId: string; to: string; reason: string }
  | { status: 'refused'; coworkerId: string; reason: string }
  | { status: 'unconfirmed'; coworkerId: string; to: string };

const CONFIRM_TIMEOUT_MS = 5_000;

/** Asks the owner to move a queued task to another coworker, and waits for how it went. */
export async function reassignTask(deps: CommandDeps & { timeoutMs?: number }, request: ReassignRequest): Promise<ReassignResult> {
  const { coworkerId, taskId, by } = request;
  if (request.to === coworkerId) {
    throw new CoworkersError('COMMAND_INVALID', `Task ${taskId} is already ${coworkerId}'s.`, { hint: 'Name another coworker with --to.' });
  }
  const [owner, receiver] = await Promise.all([findCoworker(deps.store, coworkerId), findCoworker(deps.store, request.to)]);
  const [from, to] = [owner.definition, receiver.definition];
  const party = (definition: CoworkerDefinition) => ({ id: definition.id, name: definition.name, team: definition.team });
  const id = randomUUID();
  const toApprovers = [...new Set([personId(to.manager), ...approversOf(to)])];
  const parsed = commandSchema.safeParse({ v: PROTOCOL_VERSION, id, coworkerId, at: deps.now(), type: 'task.reassign', taskId, from: party(from), to: party(to), toApprovers, by });
  if (!parsed.success) throw new CoworkersError('COMMAND_INVALID', `The reassignment is not valid: ${parsed.error.issues.map((issue) => issue.message).join('; ')}`);

  let settle: (result: ReassignResult) => void = () => {};
  const answered = new Promise<ReassignResult>((resolve) => (settle = resolve));
  const fromOwner = await deps.bus.subscribe(subjects.eventsOf(coworkerId), (message) => {
    const event = message.data as CoworkerEvent;
    if (event.type === 'handoff.refused' && event.taskId === taskId && event.by === by) settle({ status: 'refused', coworkerId, reason: event.reason });
  });
  const fromReceiver = await deps.bus.subscribe(subjects.eventsOf(to.id), (message) => {
    const event = message.data as CoworkerEvent;
    if (event.type !== 'handoff.answered' || event.originTaskId !== taskId || event.to !== coworkerId) return;
    settle(event.outcome === 'accepted' ? { status: 'accepted', coworkerId, to: to.id, newTaskId: event.taskId } : { status: 'declined', coworkerId, to: to.id, reason: event.reason ?? 'no reason given' });
  });
  const timer = setTimeout(() => settle({ status: 'unconfirmed', coworkerId, to: to.id }), deps.timeoutMs ?? CONFIRM_TIMEOUT_MS);
  try {
    await deps.bus.publish(subjects.commandFor(parsed.data), { ...parsed.data, signature: deps.signer.sign(parsed.data) }, { msgId: id });
    return await answered;
  } finally {
    clearTimeout(timer);
    await Promise.all([fromOwner.stop(), fromReceiver.stop()]);
  }
}
