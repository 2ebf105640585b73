// One hosted coworker: its XState actor, the store version it last wrote, and its timers.
// Events are applied to the actor at once, in arrival order; snapshot writes are group commits:
// one write covers every change made before it started, and each event is acknowledged only
// once a write that includes it is stored.
import { createActor, type Actor, type SnapshotFrom } from 'xstate';
import type { Logger } from 'pino';
import type { Bus } from '../messaging/index.ts';
import type { Store } from '../persistence/index.ts';
import { coworkerMachine, deadlineOf, statusOf, type CoworkerEmitted, type CoworkerEvent as MachineEvent } from '../machines/index.ts';
import { noScrubber, type Scrubber } from '../protocol/scrubber.ts';
import { CoworkersError, PROTOCOL_VERSION, isCoworkersError, subjects, type CoworkerDefinition, type CoworkerEvent, type CoworkerStatus } from '../protocol/index.ts';
import type { Clock } from './clock.ts';
import { policyOf } from './policy.ts';
import { retryWhileRetryable } from './retry.ts';
import { SNAPSHOT_SCHEMA_VERSION } from './snapshot-migrations.ts';
import { shiftAt } from './working-hours.ts';

type Machine = typeof coworkerMachine;
type StateChanged = Omit<Extract<CoworkerEvent, { type: 'state.changed' }>, 'v' | 'id' | 'coworkerId' | 'at'>;
type PendingEvent = { body: CoworkerEmitted | StateChanged; at: number };

/** What the store keeps per coworker: the actor snapshot and the events of the write that made it. */
export interface StoredSnapshot {
  /** The format's version (snapshot-migrations.ts); snapshots stored before versions lack it and are version 1. */
  schemaVersion?: number;
  machine: unknown;
  /** Published after the write; republished after a restore (event ids de-duplicate). */
  outbox: CoworkerEvent[];
}

export interface CellOptions {
  definition: CoworkerDefinition;
  machine: Machine;
  version: number;
  stored: StoredSnapshot | null;
  store: Store;
  bus: Bus;
  clock: Clock;
  logger: Logger;
  /** The shard lease's fencing token, sent with every write (0 without leases). */
  fence: number;
  /**
   * Replaces the secrets the process knows in what is stored and published (the snapshot, its
   * status and its events); the live actor keeps the real values.
   */
  scrubber?: Scrubber;
}

const errorMessage = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** Another process owns this coworker now: its version moved on, or its lease is newer. */
const lostOwnership = (error: unknown) => isCoworkersError(error, 'VERSION_CONFLICT') || isCoworkersError(error, 'FENCED');

export class CoworkerCell {
  readonly id: string;
  private options: CellOptions;
  private readonly actor: Actor<Machine>;
  private version: number;
  /** The write under way, and the one queued behind it that will cover later changes. */
  private writing: Promise<void> | null = null;
  private queued: Promise<void> | null = null;
  /** Events since the last write, in order: what the machine emitted, and each state change. */
  private pending: PendingEvent[] = [];
  /** The status last seen, to publish every state change even when writes coalesce. */
  private observed: CoworkerStatus | null = null;
  private unpublished: CoworkerEvent[] = [];
  private savedSnapshot: SnapshotFrom<Machine> | null = null;
  private cancelDeadline: (() => void) | null = null;
  private armedDeadline: number | null = null;
  private cancelShift: (() => void) | null = null;
  private stopped = false;
  /** A new lease holder writes once at start, so a previous holder's late writes are refused. */
  private claiming = false;
  private readonly started = Promise.withResolvers<void>();

  constructor(options: CellOptions) {
    this.options = options;
    this.id = options.definition.id;
    this.version = options.version;
    this.started.promise.catch(() => {}); // start() reports its own failure
    this.actor = options.stored
      ? createActor(options.machine, { snapshot: options.stored.machine as never, input: this.input() })
      : createActor(options.machine, { input: this.input() });
    // XState does not throw on a snapshot it cannot restore (a state this machine lacks): the
    // actor comes back in error. The host shows such a coworker as needing attention.
    const restored = this.actor.getSnapshot();
    if (restored.status === 'error') {
      throw new CoworkersError('INTERNAL', `the stored snapshot does not fit this release's machine: ${errorMessage(restored.error)}`, {
        hint: 'restore this coworker from a backup of the store, or run the release that wrote it; its commands wait on the bus meanwhile',
        cause: restored.error,
      });
    }
    // A restored coworker's state is already stored and published: starting it changes nothing.
    if (options.stored) this.observed = statusOf(restored);
    this.actor.on('*', (event) => this.pending.push({ body: event, at: options.clock.now() }));
    this.actor.subscribe({
      next: (snapshot) => {
        if (this.stopped) return;
        this.observe(statusOf(snapshot));
        this.persist().catch(() => {}); // flush() logs its failures
      },
      error: (error) => options.logger.error({ err: error, coworker: this.id }, 'coworker actor failed; its last snapshot is kept'),
    });
  }

  private input() {
    return { coworkerId: this.options.definition.id, policy: policyOf(this.options.definition), now: this.options.clock.now() };
  }

  /**
   * Starts the actor, brings policy and shift up to date, and re-arms its timers. With `claim`, it
   * writes at once (even unchanged) under its fence, and rejects if another writer got there first.
   */
  async start(options: { claim: boolean } = { claim: false }): Promise<void> {
    try {
      await this.startActor(options);
      this.started.resolve();
    } catch (error) {
      this.started.reject(error);
      throw error;
    }
  }

  private async startActor(options: { claim: boolean }): Promise<void> {
    this.claiming = options.claim;
    this.actor.start();
    if (this.options.stored) {
      this.savedSnapshot = this.actor.getSnapshot();
      // The last write's events may not have gone out before the process stopped (at least once).
      const failed = await this.publish(this.options.stored.outbox);
      this.unpublished.unshift(...failed);
      this.armDeadline();
    }
    const { definition, clock } = this.options;
    const policy = policyOf(definition);
    const context = this.actor.getSnapshot().context;
    if (JSON.stringify(context.policy) !== JSON.stringify(policy)) this.actor.send({ type: 'policy.update', policy, at: clock.now() });
    try {
      await this.persist();
      await this.syncShift();
    } catch (error) {
      if (!lostOwnership(error)) throw error;
      // The first write decides which copy is live. This one stays passive (flush() set
      // `stopped`), so its commands are rejected as retryable and redelivered, and its actor
      // stops running the restored step. A claim is retried by the host from the newer snapshot.
      this.cancelDeadline?.();
      this.cancelShift?.();
      this.actor.stop();
      if (options.claim) throw error;
      this.options.logger.info({ coworker: this.id }, 'another runtime hosts this coworker; this copy stays passive');
    }
  }

  /** The coworker's definition changed (a new team or manager): policy and working hours follow at once. */
  async redefine(definition: CoworkerDefinition): Promise<void> {
    this.options = { ...this.options, definition };
    this.cancelShift?.();
    this.cancelShift = null;
    const policy = policyOf(definition);
    if (JSON.stringify(this.actor.getSnapshot().context.policy) !== JSON.stringify(policy)) await this.apply({ type: 'policy.update', policy, at: this.options.clock.now() });
    await this.syncShift();
  }

  /** Applies one event now; resolves once a snapshot that includes it is stored and its events are out. */
  apply(event: MachineEvent): Promise<void> {
    if (this.stopped) return Promise.reject(new CoworkersError('INTERNAL', `coworker "${this.id}" is stopping`, { retryable: true }));
    this.actor.send(event);
    return this.persist();
  }

  /** Resolves once every change made so far is stored; a restored step waits for the start, whose first write decides who owns the coworker. */
  stored(): Promise<void> {
    return this.started.promise.then(() => this.persist());
  }

  status(): CoworkerStatus {
    return statusOf(this.actor.getSnapshot());
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.cancelDeadline?.();
    this.cancelShift?.();
    await Promise.allSettled([this.writing, this.queued]);
    this.actor.stop();
  }

  /** Joins the queued write, or queues one behind the write under way. */
  private persist(): Promise<void> {
    if (this.queued) return this.queued;
    const previous = this.writing ?? Promise.resolve();
    const write: Promise<void> = previous
      .catch(() => {})
      .then(() => {
        this.queued = null;
        this.writing = write;
        return this.flush();
      })
      .finally(() => {
        if (this.writing === write) this.writing = null;
      });
    this.queued = write;
    return write;
  }

  private async syncShift(): Promise<void> {
    const { definition, clock } = this.options;
    const now = clock.now();
    const { onDuty, next } = shiftAt(definition.workingHours, definition.timezone, now);
    const shift = (this.actor.getSnapshot().value as { shift: string }).shift;
    if ((shift === 'onDuty') !== onDuty && !this.stopped) await this.apply({ type: onDuty ? 'shift.start' : 'shift.end', at: now });
    if (next !== null && !this.stopped) this.cancelShift = clock.schedule(next, () => void this.syncShift().catch(() => {}));
  }

  /** Writes the snapshot if it changed (compare-and-set on the version), then publishes its events. */
  // Runs only from persist(), so never twice at once.
  private async flush(): Promise<void> {
    const snapshot = this.actor.getSnapshot();
    if (snapshot === this.savedSnapshot && this.pending.length === 0 && this.unpublished.length === 0 && !this.claiming) return;
    // Not stored means not acknowledged: the command comes back to whoever hosts the coworker next.
    if (this.stopped) throw new CoworkersError('INTERNAL', `coworker "${this.id}" stopped before its snapshot was stored`, { retryable: true });
    const { store, logger } = this.options;
    const { scrub } = this.options.scrubber ?? noScrubber;
    const status = scrub(statusOf(snapshot));
    const version = this.version + 1;
    const taken = this.pending.splice(0);
    const events = [...this.unpublished, ...scrub(this.toProtocolEvents(taken, version))];
    const stored: StoredSnapshot = { schemaVersion: SNAPSHOT_SCHEMA_VERSION, machine: scrub(this.actor.getPersistedSnapshot()), outbox: events };
    try {
      await retryWhileRetryable(() => store.saveSnapshot(this.id, this.version, stored, status, this.options.fence), {
        cancelled: () => this.stopped,
        onRetry: (error, attempt, delayMs) =>
          logger.warn({ err: error, coworker: this.id, attempt, delayMs }, 'store unavailable: snapshot kept in memory, retrying'),
      });
    } catch (error) {
      // Another runtime wrote this coworker, or holds a newer lease: this copy must stop writing.
      if (lostOwnership(error)) this.stopped = true;
      this.pending.unshift(...taken); // kept for the next write
      // A copy that lost the race at start-up is not an error: start() says so.
      if (!this.claiming && (this.version > 0 || !lostOwnership(error))) {
        logger.error({ err: error, coworker: this.id }, 'snapshot not stored; the commands behind it will be redelivered');
      }
      throw error;
    }
    this.version = version;
    this.savedSnapshot = snapshot;
    this.claiming = false;
    this.unpublished = await this.publish(events);
    this.armDeadline();
  }

  /** Publishes events (sent in order on one connection); returns those that could not go out, to retry with the next write. */
  private async publish(events: CoworkerEvent[]): Promise<CoworkerEvent[]> {
    const results = await Promise.allSettled(events.map((event) => this.options.bus.publish(subjects.event(this.id, event.type), event, { msgId: event.id })));
    const failed = events.filter((_, index) => results[index]!.status === 'rejected');
    if (failed.length > 0) {
      const reason = results.find((result) => result.status === 'rejected') as PromiseRejectedResult;
      this.options.logger.error({ err: reason.reason, coworker: this.id, events: failed.length }, 'bus unavailable: events kept, published with the next change or at restart');
    }
    return failed;
  }

  /**
   * Queues a state.changed event when the state or the backlog size moved. Backlog-only moves
   * since the last state change are folded into one event per write.
   */
  private observe(status: CoworkerStatus): void {
    const previous = this.observed;
    this.observed = status;
    const sameState = previous !== null && JSON.stringify(previous.state) === JSON.stringify(status.state);
    if (sameState && previous.backlog === status.backlog) return;
    const last = this.pending.at(-1);
    if (sameState && last?.body.type === 'state.changed') {
      last.body = { ...last.body, status };
      return;
    }
    this.pending.push({ body: { type: 'state.changed', status, ...(previous ? { previous: previous.state } : {}) }, at: this.options.clock.now() });
  }

  private toProtocolEvents(pending: PendingEvent[], version: number): CoworkerEvent[] {
    return pending.map(({ body, at }, index) => ({ v: PROTOCOL_VERSION, id: `${this.id}:${version}:${index}`, coworkerId: this.id, at, ...body }) as CoworkerEvent);
  }

  private armDeadline(): void {
    const deadline = deadlineOf(this.actor.getSnapshot().context);
    if (deadline === this.armedDeadline) return;
    this.cancelDeadline?.();
    this.cancelDeadline = null;
    this.armedDeadline = deadline;
    if (deadline === null) return;
    const { clock, logger } = this.options;
    this.cancelDeadline = clock.schedule(deadline, () => {
      this.armedDeadline = null;
      this.apply({ type: 'deadline.reached', at: clock.now() }).catch((error: unknown) =>
        logger.error({ err: error, coworker: this.id }, 'deadline could not be applied'),
      );
    });
  }
}
