// What a chat already delivered, shared by every gateway process and kept across restarts: each
// request's own id is claimed in the store (`documents.insert` is atomic on SQLite and on
// MongoDB/FerretDB), so a retry or a replay is handled once wherever it lands. A copy in memory
// answers this process's repeats without the store, and with the first answer while it is made.
// Entries are swept in one pass a minute, not per request: FerretDB has no TTL indexes.
import type { Logger } from 'pino';
import type { Documents } from '../../persistence/index.ts';

const COLLECTION = 'chat-replays';
const SWEEP_EVERY_MS = 60_000;

interface ReplayEntry {
  id: string;
  expiresAt: number;
  /** What the first delivery was answered with, for a repeat in another process (Teams invokes). */
  answer?: unknown;
}

/** The first delivery ran `handle` and has its answer; a repeat did not, and may wait for the first's. */
export type ReplayOutcome<T> = { repeat: false; answer: T } | { repeat: true; firstAnswer: Promise<T | undefined> };

export interface ReplayMemory {
  /**
   * Runs `handle` for the first delivery of `id` in any gateway process. A repeat is told at once
   * (Slack's three seconds), with the first answer to come (undefined when another process made
   * none). A failed handling is forgotten, so a retry runs again.
   */
  once<T>(id: string, handle: () => Promise<T>): Promise<ReplayOutcome<T>>;
  stop(): void;
}

export interface ReplayMemoryOptions {
  documents: Documents;
  /** Which chat, so Slack's and Teams' ids never meet. */
  chat: 'slack' | 'teams';
  /** How long an id is remembered: longer than the chat keeps a request valid. */
  rememberMs: number;
  logger: Logger;
  now: () => number;
}

export function createReplayMemory(options: ReplayMemoryOptions): ReplayMemory {
  const { documents, chat, rememberMs, logger, now } = options;
  const local = new Map<string, { until: number; answer: Promise<unknown> }>();

  async function handleFirst<T>(id: string, expiresAt: number, handle: () => Promise<T>): Promise<T> {
    let answer: T;
    try {
      answer = await handle();
    } catch (error) {
      await documents.delete(COLLECTION, id).catch((cause: unknown) => logger.warn({ err: cause, id }, 'could not forget a failed chat request; its retries will be dropped'));
      throw error;
    }
    if (answer !== undefined) await documents.put(COLLECTION, id, { id, expiresAt, answer } satisfies ReplayEntry);
    return answer;
  }

  async function sweep(): Promise<void> {
    const at = now();
    const entries = await documents.list<ReplayEntry>(COLLECTION);
    for (const entry of entries) {
      if (entry.id.startsWith(`${chat}:`) && entry.expiresAt <= at) await documents.delete(COLLECTION, entry.id);
    }
  }
  const sweeper = setInterval(() => void sweep().catch((error: unknown) => logger.warn({ err: error, chat }, 'sweeping remembered chat requests failed; trying again in a minute')), SWEEP_EVERY_MS);
  sweeper.unref();

  return {
    async once<T>(requestId: string, handle: () => Promise<T>): Promise<ReplayOutcome<T>> {
      const at = now();
      for (const [key, kept] of local) {
        if (kept.until > at) break; // insertion order is expiry order
        local.delete(key);
      }
      const id = `${chat}:${requestId}`;
      const kept = local.get(id);
      if (kept) return { repeat: true, firstAnswer: kept.answer as Promise<T | undefined> };
      const expiresAt = at + rememberMs;
      const claimed = documents.insert(COLLECTION, id, { id, expiresAt } satisfies ReplayEntry);
      const answer = claimed.then(async (first) => (first ? handleFirst(id, expiresAt, handle) : (await documents.get<ReplayEntry>(COLLECTION, id))?.answer as T | undefined));
      local.set(id, { until: expiresAt, answer });
      answer.catch(() => local.delete(id));
      return (await claimed) ? { repeat: false, answer: (await answer) as T } : { repeat: true, firstAnswer: answer };
    },
    stop: () => clearInterval(sweeper),
  };
}
