// What people can ask of coworkers, whichever way they reach the runtime (CLI, control socket,
// later Slack and the console): the same validation, the same command on the bus.
import { randomUUID } from 'node:crypto';
import type { Bus } from '../messaging/index.ts';
import type { CoworkerRecord, CoworkerSummary, Store } from '../persistence/index.ts';
import { CoworkersError, PROTOCOL_VERSION, commandSchema, subjects, type ChatThread, type Command, type Signer } from '../protocol/index.ts';

/**
 * What the commands people make go through: the bus, the store, a clock, and the key that signs
 * every command but a task: the gateway's or console's that signed the person in, or the
 * operator's for the CLI. The runtime applies only commands signed by a key it trusts.
 */
export interface CommandDeps {
  bus: Bus;
  store: Store;
  now: () => number;
  signer: Signer;
}

export interface AssignTaskRequest {
  coworkerId: string;
  /** Empty for a job run: the job's instructions are the task. */
  text: string;
  requestedBy: string;
  /** Run this job of the coworker now, as if its schedule or trigger fired. */
  jobId?: string;
  /** A stable id (e.g. from a chat event), so a retried request queues nothing twice; random otherwise. */
  id?: string;
  /** The chat thread the task came from, where the coworker answers. */
  replyTo?: ChatThread;
}

export async function listCoworkers(store: Store): Promise<CoworkerSummary[]> {
  const coworkers = await store.listCoworkers();
  return coworkers.sort((a, b) => a.team.localeCompare(b.team) || a.id.localeCompare(b.id));
}

/** The coworker's record; COWORKER_NOT_FOUND naming the known ones when there is none. */
export async function findCoworker(store: Store, id: string): Promise<CoworkerRecord> {
  const record = await store.getCoworker(id);
  if (record) return record;
  const known = (await store.listCoworkers()).map((coworker) => coworker.id).join(', ') || 'none';
  throw new CoworkersError('COWORKER_NOT_FOUND', `There is no coworker "${id}".`, { hint: `Known coworkers: ${known}.` });
}

/** Queues a task for a coworker; resolves with the command once the bus has stored it. */
export async function assignTask(deps: { bus: Bus; store: Store; now: () => number }, request: AssignTaskRequest): Promise<Command> {
  const coworker = await findCoworker(deps.store, request.coworkerId);
  const job = request.jobId === undefined ? undefined : coworker.definition.jobs.find((candidate) => candidate.id === request.jobId);
  if (request.jobId !== undefined && !job) {
    const known = coworker.definition.jobs.map((candidate) => candidate.id).join(', ') || 'none';
    throw new CoworkersError('COMMAND_INVALID', `${request.coworkerId} has no job "${request.jobId}".`, { hint: `Its jobs: ${known}.` });
  }
  const id = request.id ?? randomUUID();
  const at = deps.now();
  const text = job ? [request.text, job.instructions].filter(Boolean).join('\n\n') : request.text;
  const parsed = commandSchema.safeParse({
    v: PROTOCOL_VERSION,
    id,
    coworkerId: request.coworkerId,
    at,
    type: 'task.assign',
    task: { id, text, source: 'person', requestedBy: request.requestedBy, createdAt: at, ...(job ? { jobId: job.id } : {}), ...(request.replyTo ? { replyTo: request.replyTo } : {}) },
  });
  if (!parsed.success) {
    throw new CoworkersError('COMMAND_INVALID', `The task is not valid: ${parsed.error.issues.map((issue) => issue.message).join('; ')}`);
  }
  await deps.bus.publish(subjects.commandFor(parsed.data), parsed.data, { msgId: id });
  return parsed.data;
}

export interface AnswerBlockRequest {
  coworkerId: string;
  /** The block answered, from the coworker's status: an answer to any other block changes nothing. */
  blockId: string;
  answer: string;
  by: string;
  /** A stable id (e.g. from a chat event), so the bus drops a repeat; random otherwise. */
  id?: string;
}

/** Answers a blocked coworker's question; the coworker refuses anyone but its manager and approvers. */
export async function answerBlock(deps: Pick<CommandDeps, 'bus' | 'now' | 'signer'>, request: AnswerBlockRequest): Promise<Command> {
  const id = request.id ?? randomUUID();
  const { coworkerId, blockId, answer, by } = request;
  const parsed = commandSchema.safeParse({ v: PROTOCOL_VERSION, id, coworkerId, at: deps.now(), type: 'block.resolve', blockId, answer, by });
  if (!parsed.success) throw new CoworkersError('COMMAND_INVALID', `The answer is not valid: ${parsed.error.issues.map((issue) => issue.message).join('; ')}`);
  const command = { ...parsed.data, signature: deps.signer.sign(parsed.data) };
  await deps.bus.publish(subjects.commandFor(command), command, { msgId: id });
  return command;
}
