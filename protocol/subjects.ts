// Subjects, relative to the bus prefix (the NATS adapter prepends it, e.g. "coworkers.v2.").
// Commands, events, triggers and dead letters are durable (JetStream); `tool.*` subjects are
// request/reply. Commands are split by purpose (`cmd.<kind>.…`) so NATS subject permissions can
// tell a task from a decision or a definition change.
import type { Command, CommandType } from './messages.ts';

/**
 * Coworkers are spread over runtime processes a shard at a time (a lease per shard, like Akka's
 * cluster sharding): a fixed number, so every service computes the same shard for an id. It bounds
 * how many processes share the work; changing it moves commands to other subjects.
 */
export const SHARD_COUNT = 32;

/** FNV-1a of the id: stable across processes and versions. */
export function shardOf(coworkerId: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < coworkerId.length; index++) {
    hash ^= coworkerId.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % SHARD_COUNT;
}

export const ALL_SHARDS: readonly number[] = Array.from({ length: SHARD_COUNT }, (_, shard) => shard);

/** The purposes commands are published under: one subject permission each. */
export const COMMAND_KINDS = ['task', 'cancel', 'decision', 'answer', 'reassign', 'assign', 'definition', 'handoff'] as const;
export type CommandKind = (typeof COMMAND_KINDS)[number];

/** Who made a `definition.changed`: the operator may change anything, a gateway only a person's assignment. */
export type DefinitionAuthor = 'operator' | 'gateway';

const KIND_OF_TYPE = {
  'task.assign': 'task',
  'task.cancel': 'cancel',
  'approval.decide': 'decision',
  'block.resolve': 'answer',
  'task.reassign': 'reassign',
  'handoff.offer': 'handoff',
  'handoff.answer': 'handoff',
  'definition.changed': 'assign',
} as const satisfies Record<CommandType, CommandKind>;

/**
 * The kind a command travels under. A definition change is `definition` only when the operator
 * made it; otherwise the narrower `assign`, which the runtime accepts only as a team or manager
 * change by the coworker's manager.
 */
export function commandKind(type: CommandType, madeBy: DefinitionAuthor = 'gateway'): CommandKind {
  if (type === 'definition.changed' && madeBy === 'operator') return 'definition';
  return KIND_OF_TYPE[type];
}

/** The parts of a command subject, or undefined when it is not `cmd.<kind>.<shard>.<coworker>` with a known kind and a shard in range. */
export function parseCommandSubject(subject: string): { kind: CommandKind; shard: number; coworkerId: string } | undefined {
  const [root, kind, shard, coworkerId, ...rest] = subject.split('.');
  if (root !== 'cmd' || !kind || !shard || !coworkerId || rest.length > 0) return undefined;
  if (!(COMMAND_KINDS as readonly string[]).includes(kind) || !/^(0|[1-9]\d*)$/.test(shard) || Number(shard) >= SHARD_COUNT) return undefined;
  return { kind: kind as CommandKind, shard: Number(shard), coworkerId };
}

/** Why a dead letter was set aside; its subject is `dlq.<reason>`. */
export const DEAD_LETTER_REASONS = ['malformed', 'mismatch', 'unknown-coworker', 'bad-signature', 'not-allowed'] as const;
export type DeadLetterReason = (typeof DEAD_LETTER_REASONS)[number];

/**
 * What the durable log stores (the JetStream stream's subjects, and what the in-process log
 * accepts): commands under one of the shards (`cmd.<kind>.<shard>.<coworker>`, one subject per
 * shard), so a command on any other subject, or a shard no runtime reads, is refused at publish
 * rather than stored where no consumer reads it. A valid shard with a wrong kind or coworker is
 * read by that shard's runtime, which sets it aside as a dead letter.
 */
export const STORED_SUBJECTS: readonly string[] = [...ALL_SHARDS.map((shard) => `cmd.*.${shard}.*`), 'evt.>', 'trg.>', 'dlq.>'];

/** Commands of one kind to one coworker, under its shard: `cmd.<kind>.<shard>.<coworker>`. */
function commandSubject(kind: CommandKind, coworkerId: string): string {
  return `cmd.${kind}.${shardOf(coworkerId)}.${coworkerId}`;
}

export const subjects = {
  command: commandSubject,
  /** The subject of this command (`madeBy` only matters for `definition.changed`). */
  commandFor: (command: Pick<Command, 'type' | 'coworkerId'>, madeBy?: DefinitionAuthor) => commandSubject(commandKind(command.type, madeBy), command.coworkerId),
  allCommands: 'cmd.>',
  /** Commands of every kind to every coworker of one shard: what the shard's host consumes. */
  shardCommands: (shard: number) => `cmd.*.${shard}.*`,
  /** Events a coworker emits, by type. */
  event: (coworkerId: string, type: string) => `evt.${coworkerId}.${type}`,
  allEvents: 'evt.>',
  eventsOf: (coworkerId: string) => `evt.${coworkerId}.>`,
  /** Every coworker's audit events. */
  allAudit: 'evt.*.audit',
  /** Tool calls to one connector (request/reply). */
  tool: (connector: string) => `tool.${connector}`,
  /** Trigger events connectors emit, e.g. `trg.crm.deal.stale` (durable). */
  trigger: (event: string) => `trg.${event}`,
  allTriggers: 'trg.>',
  /** Commands set aside with the reason (durable): `dlq.<reason>`. */
  deadLetter: (reason: DeadLetterReason) => `dlq.${reason}`,
  allDeadLetters: 'dlq.>',
} as const;

/** Default prefix: product name and protocol version (v2: commands by purpose), so a v2 can run beside a v1. */
export const DEFAULT_SUBJECT_PREFIX = 'coworkers.v2';
