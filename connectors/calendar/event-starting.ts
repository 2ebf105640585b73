// The `calendar.event_starting` watch: a check every half minute emits each timed occurrence
// that starts within `startingBefore`, once. Each emitted occurrence is claimed in the store
// first, so neither a restart nor a second instance emits it again.
import type { Logger } from 'pino';
import type { Documents } from '../../persistence/index.ts';
import type { Occurrence } from './ics-occurrences.ts';

export const EVENT_STARTING = 'calendar.event_starting';
export const CHECK_EVERY_MS = 30_000;

const COLLECTION = 'calendar-starting-emitted';
/** Claims older than this are deleted when the watch starts; the occurrence is long over. */
const KEEP_CLAIMS_MS = 7 * 86_400_000;

interface Claim {
  id: string;
  startsAt: number;
  emittedAt: number;
}

export interface StartingWatchOptions {
  occurrences(from: number, to: number): Promise<Occurrence[]>;
  /** The event's data for one occurrence. */
  describe(occurrence: Occurrence, now: number): Record<string, unknown>;
  emit(event: string, data: Record<string, unknown>, id: string): Promise<void>;
  documents: Documents;
  now(): number;
  startingBeforeMs: number;
  checkEveryMs: number;
  logger: Logger;
}

/** Starts the watch; the returned function stops it and waits for a running check. */
export async function watchStartingEvents(options: StartingWatchOptions): Promise<() => Promise<void>> {
  const { documents, now, checkEveryMs, logger } = options;
  await forgetOldClaims(documents, now());
  let timer: NodeJS.Timeout | undefined;
  let checking: Promise<void> = Promise.resolve();
  let stopped = false;

  const tick = () => {
    checking = check(options)
      .catch((error: unknown) => logger.warn({ err: error }, 'calendar: checking for starting events failed; trying again at the next check'))
      .finally(() => {
        if (!stopped) timer = setTimeout(tick, checkEveryMs);
      });
  };
  tick();
  return async () => {
    stopped = true;
    clearTimeout(timer);
    await checking;
  };
}

async function check(options: StartingWatchOptions): Promise<void> {
  const { documents, checkEveryMs, startingBeforeMs } = options;
  const now = options.now();
  // One check interval back, so an event is not missed when a check runs late.
  const from = now - checkEveryMs;
  const to = now + startingBeforeMs;
  const due = (await options.occurrences(from, to + 1)).filter((occurrence) => !occurrence.allDay && occurrence.startsAt >= from && occurrence.startsAt <= to);
  for (const occurrence of due) {
    const id = `${occurrence.uid}@${new Date(occurrence.startsAt).toISOString()}`;
    if (!(await documents.insert(COLLECTION, id, { id, startsAt: occurrence.startsAt, emittedAt: now } satisfies Claim))) continue;
    try {
      await options.emit(EVENT_STARTING, options.describe(occurrence, now), id);
    } catch (error) {
      // Released, so the next check emits it again.
      await documents.delete(COLLECTION, id);
      throw error;
    }
  }
}

async function forgetOldClaims(documents: Documents, now: number): Promise<void> {
  const claims = await documents.list<Claim>(COLLECTION);
  for (const claim of claims) if (claim.startsAt < now - KEEP_CLAIMS_MS) await documents.delete(COLLECTION, claim.id);
}
