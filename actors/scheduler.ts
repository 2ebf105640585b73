// The schedule: fires each job's cron in its coworker's time zone and assigns the run as a task.
//
// Exactly once with several runtimes, without a lease: every runtime fires every job, and each
// fire is published with the same deterministic id (`schedule:<coworker>:<job>:<time>`) as
// command id, task id and msgId. JetStream drops repeats of a msgId within its two-minute window,
// and the coworker's statechart drops a task id it has already seen (a catch-up after the window),
// so one task comes of each scheduled time. A runtime that dies mid-fire loses nothing: the
// others publish the same fire.
//
// Daylight saving (croner 11, checked in scheduler.test.ts): a local time that does not exist
// (spring forward) fires once, at the end of the gap (02:30 Berlin → 03:00 CEST); a local time
// that happens twice (fall back) fires once, at its first occurrence, when the cron names the
// hour; a cron whose hour is a wildcard ("*/30 * * * *") keeps its interval in real time and
// fires in both passes of the repeated hour.
import { Cron } from 'croner';
import type { Logger } from 'pino';
import type { Bus } from '../messaging/index.ts';
import type { Store } from '../persistence/index.ts';
import { PROTOCOL_VERSION, commandSchema, subjects, type CoworkerDefinition, type JobDefinition } from '../protocol/index.ts';
import type { Clock } from './clock.ts';
import { isOnDuty } from './working-hours.ts';

/** A timer this late means the process slept: the fires in between count as missed runs. */
const LATE_TIMER_MS = 60_000;
/** Scheduled times looked at, newest first, when looking for the latest missed run. */
const MISSED_LOOKBACK = 10_000;
/** Jobs whose last fire is read at once at start-up. */
const START_BATCH = 64;

export interface SchedulerOptions {
  definitions: CoworkerDefinition[];
  bus: Bus;
  store: Store;
  clock: Clock;
  logger: Logger;
  /** Recorded with each fire, for people reading the store. */
  runtimeId: string;
}

export interface Scheduler {
  start(): Promise<void>;
  stop(): Promise<void>;
}

interface ScheduledJob {
  coworker: CoworkerDefinition;
  job: JobDefinition;
  cron: Cron;
}

function scheduledTaskId(coworkerId: string, jobId: string, fireAt: number): string {
  return `schedule:${coworkerId}:${jobId}:${fireAt}`;
}

export function createScheduler(options: SchedulerOptions): Scheduler {
  const { bus, store, clock, runtimeId } = options;
  const logger = options.logger.child({ component: 'scheduler' });
  const scheduled: ScheduledJob[] = options.definitions.flatMap((coworker) =>
    coworker.jobs.flatMap((job) => (job.schedule ? [{ coworker, job, cron: new Cron(job.schedule, { timezone: coworker.timezone, paused: true }) }] : [])),
  );
  const cancels = new Set<() => void>();
  const firing = new Set<Promise<void>>();
  let stopped = false;

  const about = ({ coworker, job }: ScheduledJob) => ({ coworker: coworker.id, job: job.id });

  /** Off-duty times are skipped unless the job runs outside working hours. */
  function wouldRun({ coworker, job }: ScheduledJob, at: number): boolean {
    return job.outsideWorkingHours || isOnDuty(coworker.workingHours, coworker.timezone, at);
  }

  async function fire(entry: ScheduledJob, fireAt: number): Promise<void> {
    const { coworker, job } = entry;
    if (!wouldRun(entry, fireAt)) {
      logger.debug({ ...about(entry), fireAt }, 'off duty: scheduled run skipped');
      return;
    }
    const id = scheduledTaskId(coworker.id, job.id, fireAt);
    const task = {
      id,
      text: job.instructions,
      source: 'schedule',
      requestedBy: 'schedule',
      jobId: job.id,
      createdAt: fireAt,
      ...(job.outsideWorkingHours ? { anyTime: true } : {}),
    };
    // `at` is the scheduled time too, so every runtime publishes the very same command.
    const command = commandSchema.parse({ v: PROTOCOL_VERSION, id, coworkerId: coworker.id, at: fireAt, type: 'task.assign', task });
    // Published before it is recorded: a crash in between means a repeat (dropped by id), never a loss.
    await bus.publish(subjects.command('task', coworker.id), command, { msgId: id });
    await store.recordFire({ coworkerId: coworker.id, jobId: job.id, fireAt, recordedBy: runtimeId }).catch((error: unknown) =>
      logger.warn({ err: error, ...about(entry), fireAt }, 'scheduled run assigned but not recorded; a restart may assign it again (dropped by id)'),
    );
  }

  /** Runs a fire in the background; stop() waits for it. */
  function track(entry: ScheduledJob, fireAt: number): void {
    const running: Promise<void> = fire(entry, fireAt)
      .catch((error: unknown) => logger.error({ err: error, ...about(entry), fireAt }, 'scheduled run not assigned (other runtimes, if any, publish the same fire)'))
      .finally(() => firing.delete(running));
    firing.add(running);
  }

  /** The latest scheduled time in (after, now] at which the job would have run, or null. */
  function latestMissed(entry: ScheduledJob, after: number, now: number): number | null {
    let reference = now + 1; // previousRuns() looks strictly before its reference
    for (let looked = 0; looked < MISSED_LOOKBACK; looked++) {
      const [run] = entry.cron.previousRuns(1, new Date(reference));
      if (!run || run.getTime() <= after) return null;
      if (wouldRun(entry, run.getTime())) return run.getTime();
      reference = run.getTime();
    }
    return null;
  }

  /** Missed runs in (after, now]: `catchUp` assigns the latest one, `skip` none. */
  function handleMissed(entry: ScheduledJob, after: number, now: number): void {
    const missed = latestMissed(entry, after, now);
    if (missed === null) return;
    if (entry.job.missedRuns === 'skip') {
      logger.info({ ...about(entry), missed }, 'scheduled runs missed while the runtime was down or asleep; skipped (missedRuns: skip)');
      return;
    }
    logger.info({ ...about(entry), missed }, 'scheduled runs missed while the runtime was down or asleep; catching up the latest');
    track(entry, missed);
  }

  /** One timer per job, armed for the first time after `after` and re-armed by each fire. */
  function arm(entry: ScheduledJob, after: number): void {
    const next = entry.cron.nextRun(new Date(after));
    if (stopped || !next) return;
    const fireAt = next.getTime();
    const cancel = clock.schedule(fireAt, () => {
      cancels.delete(cancel);
      const now = clock.now();
      if (now - fireAt > LATE_TIMER_MS) {
        handleMissed(entry, fireAt - 1, now);
        arm(entry, now);
        return;
      }
      // Re-armed from the scheduled time, not from now: a timer that fires a little early or
      // late still yields each scheduled time once.
      arm(entry, fireAt);
      track(entry, fireAt);
    });
    cancels.add(cancel);
  }

  async function catchUp(entry: ScheduledJob, now: number): Promise<void> {
    try {
      const last = await store.lastFire(entry.coworker.id, entry.job.id);
      // A job that never fired has missed nothing: it was not scheduled before.
      if (last !== null) handleMissed(entry, last, now);
    } catch (error) {
      logger.error({ err: error, ...about(entry) }, 'could not read the last fire; missed runs of this job are not caught up');
    }
  }

  return {
    async start() {
      const now = clock.now();
      for (const entry of scheduled) arm(entry, now);
      for (let index = 0; index < scheduled.length; index += START_BATCH) {
        await Promise.all(scheduled.slice(index, index + START_BATCH).map((entry) => catchUp(entry, now)));
      }
      logger.info({ jobs: scheduled.length }, 'schedules armed');
    },

    async stop() {
      stopped = true;
      for (const cancel of cancels) cancel();
      cancels.clear();
      await Promise.all(firing);
    },
  };
}
