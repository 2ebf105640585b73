// Keeps the store bounded: every hour (and once shortly after start) deletes what is older than
// its retention setting (definitions/retention-file.ts) and every superseded snapshot version.
// One runtime prunes at a time: the holder of shard 0's lease, or the one embedded process. Two
// passes at once would still be correct (deletes by age are idempotent), only wasted work.
import type { Logger } from 'pino';
import type { Retention } from '../definitions/index.ts';
import type { Clock } from './clock.ts';

/** The store as the pruner uses it. */
export interface PrunableStore {
  /** Audit entries and fires older than their cutoff (the latest fire per job kept), and every superseded snapshot version. */
  prune(cutoffs: { audit?: number; fires?: number }): Promise<{ audit: number; fires: number; snapshots: number }>;
  readonly documents: { deleteOlderThan(collection: string, before: number): Promise<number> };
}

/** Which document collections each setting covers (their owners: connectors/, gateway/chat/). */
const COLLECTIONS: ReadonlyArray<{ collection: string; setting: keyof Retention }> = [
  { collection: 'tool-runs', setting: 'executedKeys' },
  { collection: 'tool-results', setting: 'executedKeys' },
  { collection: 'email-drafts', setting: 'drafts' },
  { collection: 'chat-posts', setting: 'chatPosts' },
];

export const PRUNE_INTERVAL_MS = 60 * 60 * 1000;
/** After start: long enough not to compete with the restore, soon enough that a short-lived process prunes too. */
export const FIRST_PRUNE_DELAY_MS = 60 * 1000;

/** How many records one pass deleted, by kind. */
export type PruneCounts = Record<'audit' | 'fires' | 'snapshots' | 'documents', number> & { collections: Record<string, number> };

export interface PrunerOptions {
  store: PrunableStore;
  retention: Retention;
  clock: Clock;
  logger: Logger;
  /** Whether this process prunes now: distributed, whether it holds shard 0's lease; embedded, always. */
  isPruner: () => boolean;
  intervalMs?: number;
  firstDelayMs?: number;
}

export interface Pruner {
  start(): void;
  stop(): Promise<void>;
  /** One pass now; null when this process is not the one that prunes. */
  pruneOnce(): Promise<PruneCounts | null>;
}

export function createPruner(options: PrunerOptions): Pruner {
  const { store, retention, clock } = options;
  const logger = options.logger.child({ component: 'pruner' });
  const intervalMs = options.intervalMs ?? PRUNE_INTERVAL_MS;
  let cancel: (() => void) | null = null;
  let running: Promise<PruneCounts | null> | null = null;

  async function pass(): Promise<PruneCounts | null> {
    if (!options.isPruner()) return null;
    const now = clock.now();
    const started = performance.now();
    const counts: PruneCounts = { ...(await store.prune({ audit: now - retention.audit, fires: now - retention.fires })), documents: 0, collections: {} };
    for (const { collection, setting } of COLLECTIONS) {
      const deleted = await store.documents.deleteOlderThan(collection, now - retention[setting]);
      counts.collections[collection] = deleted;
      counts.documents += deleted;
    }
    logger.info({ ...counts, ms: Math.round(performance.now() - started) }, 'pruned the store');
    return counts;
  }

  /** One pass at a time: a slow pass (a big first one) is not started again by the next tick. */
  function pruneOnce(): Promise<PruneCounts | null> {
    running ??= pass().finally(() => (running = null));
    return running;
  }

  function arm(at: number): void {
    cancel = clock.schedule(at, () => {
      void pruneOnce()
        .catch((error: unknown) => logger.warn({ err: error }, 'could not prune the store; trying again at the next pass'))
        .finally(() => {
          if (cancel) arm(clock.now() + intervalMs);
        });
    });
  }

  return {
    start() {
      arm(clock.now() + (options.firstDelayMs ?? FIRST_PRUNE_DELAY_MS));
    },
    async stop() {
      cancel?.();
      cancel = null;
      await running?.catch(() => {});
    },
    pruneOnce,
  };
}
