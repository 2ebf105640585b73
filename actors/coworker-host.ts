// The actor host: restores every coworker from its latest snapshot (or starts it fresh), feeds
// it the commands from the bus, and lets each cell persist and publish what follows.
import { fromPromise } from 'xstate';
import type { Logger } from 'pino';
import type { Bus, BusMessage, Subscription } from '../messaging/index.ts';
import type { Store } from '../persistence/index.ts';
import { coworkerMachine, type CoworkerEvent as MachineEvent, type RunInput, type RunOutcome } from '../machines/index.ts';
import { PROTOCOL_VERSION, commandSchema, subjects, type AuditRecord, type Command, type CoworkerDefinition, type CoworkerStatus } from '../protocol/index.ts';
import { systemClock, type Clock } from './clock.ts';
import { CoworkerCell, type StoredSnapshot } from './coworker-cell.ts';
import { retryWhileRetryable } from './retry.ts';
import type { TaskRunner } from './task-runner.ts';

const START_BATCH = 64;

export interface CoworkerHostOptions {
  definitions: CoworkerDefinition[];
  bus: Bus;
  store: Store;
  runTask: TaskRunner;
  logger: Logger;
  clock?: Clock;
  /** Name of the durable command consumer; runtimes that share it share the commands. */
  consumerName?: string;
  /** Commands handled at once (for different coworkers; one coworker's are applied in order). */
  concurrency?: number;
}

export interface CoworkerHost {
  start(): Promise<void>;
  stop(): Promise<void>;
  status(coworkerId: string): CoworkerStatus | undefined;
  readonly size: number;
}

function toMachineEvent(command: Command): MachineEvent {
  const { v: _v, id: _id, coworkerId: _coworker, ...event } = command;
  return event as MachineEvent;
}

export function createCoworkerHost(options: CoworkerHostOptions): CoworkerHost {
  const clock = options.clock ?? systemClock;
  const { bus, store, logger } = options;
  const cells = new Map<string, CoworkerCell>();
  const definitions = new Map(options.definitions.map((definition) => [definition.id, definition]));
  let subscription: Subscription | null = null;

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
          const context = { ...input, definition, signal, audit: (id: string, entry: AuditRecord) => audit(input.coworkerId, id, entry), now: clock.now };
          return { ...(await options.runTask(context)), at: clock.now() } as RunOutcome;
        } catch (error) {
          logger.warn({ err: error, coworker: input.coworkerId, task: input.task.id }, 'task run failed');
          return { kind: 'failed', error: error instanceof Error ? error.message : String(error), at: clock.now() };
        }
      }),
    },
  });

  async function handleCommand(message: BusMessage): Promise<void> {
    const parsed = commandSchema.safeParse(message.data);
    if (!parsed.success) {
      // Retrying cannot fix a malformed command: log it whole so nothing is silently lost.
      logger.error({ subject: message.subject, payload: message.data, issues: parsed.error.issues }, 'malformed command dropped');
      return;
    }
    const cell = cells.get(parsed.data.coworkerId);
    if (!cell) {
      logger.warn({ command: parsed.data }, 'command for a coworker this runtime does not host; dropped');
      return;
    }
    await cell.apply(toMachineEvent(parsed.data));
  }

  const withRetry = <T>(operation: () => Promise<T>) =>
    retryWhileRetryable(operation, { onRetry: (error, attempt, delayMs) => logger.warn({ err: error, attempt, delayMs }, 'store unavailable at start-up, retrying') });

  async function registerChanged(): Promise<Map<string, { version: number; snapshot: unknown }>> {
    // One query for everything: cheaper than a 10,000-id $in on MongoDB-compatible servers.
    const records = await withRetry(() => store.loadCoworkers());
    const byId = new Map(records.filter((record) => definitions.has(record.id)).map((record) => [record.id, record]));
    const changed = [...definitions.values()].filter((definition) => JSON.stringify(byId.get(definition.id)?.definition) !== JSON.stringify(definition));
    if (changed.length > 0) await withRetry(() => store.registerCoworkers(changed));
    return new Map([...definitions.keys()].map((id) => [id, { version: byId.get(id)?.version ?? 0, snapshot: byId.get(id)?.snapshot ?? null }]));
  }

  return {
    get size() {
      return cells.size;
    },

    async start() {
      const records = await registerChanged();
      for (const [id, record] of records) {
        const cell = new CoworkerCell({
          definition: definitions.get(id)!,
          machine,
          version: record.version,
          stored: record.snapshot as StoredSnapshot | null,
          store,
          bus,
          clock,
          logger,
        });
        cells.set(id, cell);
      }
      // In batches: thousands of first writes at once only queue up in the driver and the server.
      const all = [...cells.values()];
      for (let index = 0; index < all.length; index += START_BATCH) await Promise.all(all.slice(index, index + START_BATCH).map((cell) => cell.start()));
      subscription = await bus.consume(subjects.allCommands, handleCommand, {
        durable: options.consumerName ?? 'runtime',
        concurrency: options.concurrency ?? 64,
      });
      logger.info({ coworkers: cells.size }, 'coworkers started');
    },

    async stop() {
      await subscription?.stop();
      await Promise.all([...cells.values()].map((cell) => cell.stop()));
      cells.clear();
    },

    status(coworkerId) {
      return cells.get(coworkerId)?.status();
    },
  };
}
