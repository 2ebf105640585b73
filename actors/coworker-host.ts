// The actor host: restores coworkers from their latest snapshots (or starts them fresh), feeds
// them the commands from the bus, and lets each cell persist and publish what follows. It hosts
// coworkers a shard at a time: every shard in one process (`start`), or the shards whose leases
// this process holds (`hostShards` / `releaseShards`, driven by the shard leases).
import { setTimeout as sleep } from 'node:timers/promises';
import { fromPromise } from 'xstate';
import type { Logger } from 'pino';
import { deadLetter, type Bus, type BusMessage, type Subscription } from '../messaging/index.ts';
import type { CoworkerRecord, Store } from '../persistence/index.ts';
import { coworkerMachine, type CoworkerEvent as MachineEvent, type RunInput, type RunOutcome } from '../machines/index.ts';
import {
  ALL_SHARDS,
  PROTOCOL_VERSION,
  coworkerDefinitionSchema,
  isCoworkersError,
  shardOf,
  subjects,
  type AuditRecord,
  type Command,
  type CoworkerDefinition,
  type CoworkerStatus,
  type TrustedKeys,
} from '../protocol/index.ts';
import { systemClock, type Clock } from './clock.ts';
import { CoworkerCell } from './coworker-cell.ts';
import { describeReassignment } from './reassignment.ts';
import { checkCommand, type CommandCheck } from './command-checks.ts';
import { attentionOf, attentionStatus, readStoredSnapshot, type Attention } from './snapshot-restore.ts';
import { schemaVersionOf } from './snapshot-migrations.ts';
import type { Scrubber } from '../protocol/scrubber.ts';
import { retryWhileRetryable } from './retry.ts';
import type { TaskRunner } from './task-runner.ts';

const START_BATCH = 64;
/** A claim that meets a newer write reloads and tries again: the previous holder stops after one refused write. */
const CLAIM_ATTEMPTS = 5;
const CLAIM_RETRY_MS = 200;

export interface CoworkerHostOptions {
  definitions: CoworkerDefinition[];
  bus: Bus;
  store: Store;
  runTask: TaskRunner;
  logger: Logger;
  clock?: Clock;
  /** Prefix of the durable command consumers (one per shard); runtimes that share it share the commands. */
  consumerName?: string;
  /** The keys that may sign people's commands (gateways, the operator) and handoffs (runtimes). */
  trust: TrustedKeys;
  /** Commands handled at once per shard (for different coworkers; one coworker's are applied in order). */
  concurrency?: number;
  /** Keeps the secrets the process knows out of stored snapshots and published events. */
  scrubber?: Scrubber;
}

/** A shard this process holds, and the fencing token its snapshot writes carry. */
export interface HostedShard {
  shard: number;
  fence: number;
}

export interface CoworkerHost {
  /** Hosts every coworker: one process, no leases. */
  start(): Promise<void>;
  /** Hosts the coworkers of these shards, claiming each with the shard's fence. */
  hostShards(shards: HostedShard[]): Promise<void>;
  /** Stops hosting these shards: no more commands taken, every change stored. */
  releaseShards(shards: number[]): Promise<void>;
  stop(): Promise<void>;
  status(coworkerId: string): CoworkerStatus | undefined;
  /** Ids of the coworkers hosted here now. */
  hosted(): string[];
  readonly size: number;
}

function toMachineEvent(command: Command): MachineEvent {
  const { v: _v, id: _id, coworkerId: _coworker, ...event } = command;
  return event as MachineEvent;
}

interface Shard {
  fence: number;
  cells: Map<string, CoworkerCell>;
  consumer: Subscription | null;
}

export function createCoworkerHost(options: CoworkerHostOptions): CoworkerHost {
  const clock = options.clock ?? systemClock;
  const { bus, store, logger } = options;
  const cells = new Map<string, CoworkerCell>();
  /** Every cell by coworker, from the moment it is made: a restored step runs while its cell is still starting. */
  const made = new Map<string, CoworkerCell>();
  const shards = new Map<number, Shard>();
  /** Coworkers whose snapshot could not be restored, with the status the store shows for them: not started, commands left on the bus. */
  const attention = new Map<string, CoworkerStatus>();
  const definitions = new Map(options.definitions.map((definition) => [definition.id, definition]));
  let registered: Promise<void> | null = null;

  // Entries of one step often share a millisecond; strictly increasing times keep the trail
  // (sorted by time) in the order things happened.
  let lastAuditAt = 0;

  /** Audit entries of a run go out as `audit` events, de-duplicated by id, like the machine's own. */
  function audit(coworkerId: string, id: string, entry: AuditRecord): Promise<void> {
    const eventId = `${coworkerId}:audit:${id}`;
    lastAuditAt = Math.max(clock.now(), lastAuditAt + 1);
    const event = { v: PROTOCOL_VERSION, id: eventId, coworkerId, at: lastAuditAt, type: 'audit', entry };
    return bus.publish(subjects.event(coworkerId, 'audit'), event, { msgId: eventId });
  }

  // One machine for every coworker: the runner finds the definition by id, so no per-actor copies.
  const machine = coworkerMachine.provide({
    actors: {
      runTask: fromPromise<RunOutcome, RunInput>(async ({ input, signal }) => {
        const definition = definitions.get(input.coworkerId)!;
        try {
          // Write-ahead: a step starts once the snapshot that holds its input is stored, so a
          // model turn is recorded before any of its calls runs, and each outcome before the next.
          await made.get(input.coworkerId)?.stored();
          const context = { ...input, definition, signal, audit: (id: string, entry: AuditRecord) => audit(input.coworkerId, id, entry), now: clock.now };
          return { ...(await options.runTask(context)), at: clock.now() } as RunOutcome;
        } catch (error) {
          logger.warn({ err: error, coworker: input.coworkerId, task: input.task.id }, 'task run failed');
          return { kind: 'failed', error: error instanceof Error ? error.message : String(error), at: clock.now() };
        }
      }),
    },
  });

  /** A new team or manager, live: the definition is stored for the gateways, the actor's policy follows, and the change is audited. */
  async function redefine(command: Extract<Command, { type: 'definition.changed' }>, cell: CoworkerCell): Promise<void> {
    const parsed = coworkerDefinitionSchema.safeParse(command.definition);
    if (!parsed.success || parsed.data.id !== command.coworkerId) {
      logger.error({ command, issues: parsed.error?.issues }, 'definition change that is not a valid definition of its coworker dropped');
      return;
    }
    const before = definitions.get(command.coworkerId)!;
    definitions.set(command.coworkerId, parsed.data);
    await store.registerCoworkers([parsed.data]);
    await cell.redefine(parsed.data);
    const change = describeReassignment(before, parsed.data);
    if (change) await audit(command.coworkerId, `assigned:${command.id}`, { kind: 'assigned', by: command.by, summary: change.summary, detail: change.detail });
  }

  /** A command the host will not apply: set aside as a dead letter, and audited when it names a coworker. */
  async function refuse(message: BusMessage, refusal: Extract<CommandCheck, { ok: false }>): Promise<void> {
    await deadLetter(bus, { reason: refusal.reason, detail: refusal.why, subject: message.subject, payload: message.data, at: clock.now() });
    logger.warn({ subject: message.subject, reason: refusal.reason, detail: refusal.why }, 'command refused and set aside as a dead letter');
    const command = refusal.command;
    if (!command || !definitions.has(command.coworkerId)) return;
    const by = 'by' in command ? command.by : 'unknown';
    await audit(command.coworkerId, `refused:${command.id}`, {
      kind: command.type === 'approval.decide' ? 'approval.refused' : 'command.refused',
      by,
      ...(command.type === 'approval.decide' ? { approvalId: command.approvalId } : {}),
      summary: `${command.type} from ${by} refused: ${refusal.why}`,
      detail: { subject: message.subject, reason: refusal.reason },
    });
  }

  async function handleCommand(message: BusMessage): Promise<void> {
    const checked = checkCommand(message.subject, message.data, { trust: options.trust, definitionOf: (id) => definitions.get(id) });
    if (!checked.ok) return refuse(message, checked);
    const command = checked.command;
    const cell = cells.get(command.coworkerId);
    if (!cell) {
      // Its shard is being taken over or handed back, or its snapshot needs attention: the command comes back until it is hosted.
      if (attention.has(command.coworkerId)) throw new Error(`coworker "${command.coworkerId}" needs attention (its snapshot cannot be restored); the command waits on the bus`);
      throw new Error(`coworker "${command.coworkerId}" is not hosted here right now`);
    }
    if (command.type === 'definition.changed') await redefine(command, cell);
    else await cell.apply(toMachineEvent(command));
  }

  const withRetry = <T>(operation: () => Promise<T>) =>
    retryWhileRetryable(operation, { onRetry: (error, attempt, delayMs) => logger.warn({ err: error, attempt, delayMs }, 'store unavailable at start-up, retrying') });

  /** Registers definitions that changed since the store last saw them; once per host. */
  function registerChanged(): Promise<void> {
    registered ??= (async () => {
      // One query for everything: cheaper than a 10,000-id $in on MongoDB-compatible servers.
      const records = new Map((await withRetry(() => store.loadCoworkers())).map((record) => [record.id, record]));
      const changed = [...definitions.values()].filter((definition) => JSON.stringify(records.get(definition.id)?.definition) !== JSON.stringify(definition));
      if (changed.length > 0) await withRetry(() => store.registerCoworkers(changed));
    })();
    return registered;
  }

  /** A cell from the stored record, or why its snapshot cannot be restored (unreadable, a version from the future, a state this machine lacks). */
  function createCell(definition: CoworkerDefinition, record: CoworkerRecord | null | undefined, fence: number): CoworkerCell | Attention {
    const read = readStoredSnapshot(record?.snapshot ?? null);
    if (!read.ok) return read.attention;
    try {
      const cell = new CoworkerCell({ definition, machine, version: record?.version ?? 0, stored: read.snapshot, store, bus, clock, logger, fence, ...(options.scrubber ? { scrubber: options.scrubber } : {}) });
      made.set(definition.id, cell);
      return cell;
    } catch (error) {
      return attentionOf(error, schemaVersionOf(record?.snapshot));
    }
  }

  /**
   * Leaves one coworker out: not started, so its commands are not acknowledged and come back
   * once it is restored. The store's status says why (for `list` and the console), written once
   * under the same compare-and-set as any snapshot, with the stored snapshot itself unchanged.
   */
  async function needsAttention(definition: CoworkerDefinition, record: CoworkerRecord | null | undefined, problem: Attention, fence: number): Promise<void> {
    const status = attentionStatus(record?.status ?? null, problem, clock.now());
    attention.set(definition.id, status);
    logger.error(
      { coworker: definition.id, schemaVersion: problem.schemaVersion, error: problem.error, hint: problem.hint },
      `coworker "${definition.id}" needs attention and was not started: its snapshot (schema version ${problem.schemaVersion ?? 'unknown'}) cannot be restored: ${problem.error}; ${problem.hint}`,
    );
    if (!record || JSON.stringify(record.status?.attention) === JSON.stringify(problem)) return;
    try {
      await withRetry(() => store.saveSnapshot(definition.id, record.version, record.snapshot, status, fence));
    } catch (error) {
      logger.warn({ err: error, coworker: definition.id }, 'could not mark the coworker as needing attention in the store');
    }
  }

  /** Starts a coworker as the shard's new holder; a newer write than the one it loaded means a reload and another try. */
  async function claim(cell: CoworkerCell, definition: CoworkerDefinition, fence: number): Promise<CoworkerCell | null> {
    let current = cell;
    for (let attempt = 1; ; attempt++) {
      try {
        await current.start({ claim: fence > 0 });
        return current;
      } catch (error) {
        if (!isCoworkersError(error, 'VERSION_CONFLICT') || attempt === CLAIM_ATTEMPTS) {
          logger.error({ err: error, coworker: current.id, attempt }, 'could not take over a coworker; it stays with its previous host');
          return null;
        }
        await sleep(CLAIM_RETRY_MS);
        const record = await withRetry(() => store.getCoworker(current.id));
        const next = createCell(record?.definition ?? definition, record, fence);
        if (!(next instanceof CoworkerCell)) {
          await needsAttention(record?.definition ?? definition, record, next, fence);
          return null;
        }
        current = next;
      }
    }
  }

  async function hostShards(leases: HostedShard[]): Promise<void> {
    await registerChanged();
    const fences = new Map(leases.filter((lease) => !shards.has(lease.shard)).map((lease) => [lease.shard, lease.fence]));
    if (fences.size === 0) return;
    const records = new Map((await withRetry(() => store.loadCoworkers())).map((record) => [record.id, record]));
    const starting: Array<{ cell: CoworkerCell; definition: CoworkerDefinition; shard: Shard }> = [];
    for (const shard of fences.keys()) shards.set(shard, { fence: fences.get(shard)!, cells: new Map(), consumer: null });
    for (const [id, fallback] of definitions) {
      const shard = shards.get(shardOf(id));
      if (!fences.has(shardOf(id)) || !shard) continue;
      const record = records.get(id);
      // The stored definition is the newest effective one (a live assignment made while another process hosted it).
      const definition = record?.definition ?? fallback;
      definitions.set(id, definition);
      attention.delete(id);
      const cell = createCell(definition, record, shard.fence);
      if (cell instanceof CoworkerCell) starting.push({ cell, definition, shard });
      else await needsAttention(definition, record, cell, shard.fence);
    }
    // In batches: thousands of first writes at once only queue up in the driver and the server.
    for (let index = 0; index < starting.length; index += START_BATCH) {
      await Promise.all(
        starting.slice(index, index + START_BATCH).map(async ({ cell, definition, shard }) => {
          const started = await claim(cell, definition, shard.fence);
          if (!started) return;
          shard.cells.set(started.id, started);
          cells.set(started.id, started);
        }),
      );
    }
    for (const shard of fences.keys()) {
      shards.get(shard)!.consumer = await bus.consume(subjects.shardCommands(shard), handleCommand, {
        durable: `${options.consumerName ?? 'runtime'}-${shard}`,
        concurrency: options.concurrency ?? 16,
      });
    }
    logger.info({ shards: [...fences.keys()], coworkers: starting.length }, 'hosting shards');
  }

  async function releaseShards(released: number[]): Promise<void> {
    await Promise.all(
      released.map(async (number) => {
        const shard = shards.get(number);
        if (!shard) return;
        shards.delete(number);
        await shard.consumer?.stop();
        for (const id of shard.cells.keys()) {
          cells.delete(id);
          made.delete(id);
        }
        for (const id of attention.keys()) if (shardOf(id) === number) attention.delete(id);
        await Promise.all([...shard.cells.values()].map((cell) => cell.stop()));
      }),
    );
  }

  return {
    get size() {
      return cells.size;
    },

    async start() {
      await hostShards(ALL_SHARDS.map((shard) => ({ shard, fence: 0 })));
      logger.info({ coworkers: cells.size }, 'coworkers started');
    },

    hostShards,
    releaseShards,

    async stop() {
      await releaseShards([...shards.keys()]);
    },

    status(coworkerId) {
      return cells.get(coworkerId)?.status() ?? attention.get(coworkerId);
    },

    hosted() {
      return [...cells.keys()];
    },
  };
}
