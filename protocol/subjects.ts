// Subjects, relative to the bus prefix (the NATS adapter prepends it, e.g. "coworkers.v1.").
// Commands, events and triggers are durable (JetStream); `tool.*` subjects are request/reply.

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

export const subjects = {
  /** Commands addressed to one coworker, under its shard: `cmd.<shard>.<coworker>`. */
  command: (coworkerId: string) => `cmd.${shardOf(coworkerId)}.${coworkerId}`,
  allCommands: 'cmd.>',
  /** Commands to every coworker of one shard: what the shard's host consumes. */
  shardCommands: (shard: number) => `cmd.${shard}.>`,
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
} as const;

/** Default prefix: product name and protocol version, so a v2 can run beside a v1. */
export const DEFAULT_SUBJECT_PREFIX = 'coworkers.v1';
