// Which idempotency keys a connector has run in this process, and with what result, so repeats
// that arrive together share one run. Bounded and in memory: what must hold across restarts and
// instances is the store's record of executed keys (executed-keys.ts, used by serveConnector).
import { CoworkersError } from '../protocol/index.ts';

export interface OnceResult {
  result: unknown;
  /** True when the key had run (or was running) already and this is that run's result. */
  replayed: boolean;
}

export interface IdempotencyMemory {
  /**
   * Runs `work` once per key. Repeats, concurrent or later, share the first run's result; a run
   * that fails is forgotten so a retry may run it again. `fingerprint` identifies the call: the
   * same key with a different call is refused, since replaying another call's result would lie.
   */
  once(key: string, fingerprint: string, work: () => Promise<unknown>): Promise<OnceResult>;
}

interface Run {
  fingerprint: string;
  result: Promise<unknown>;
}

export function createIdempotencyMemory(options: { limit: number }): IdempotencyMemory {
  // A Map iterates in insertion order, so its first key is the oldest.
  const runs = new Map<string, Run>();

  return {
    async once(key, fingerprint, work) {
      const earlier = runs.get(key);
      if (earlier) {
        if (earlier.fingerprint !== fingerprint) {
          throw new CoworkersError('TOOL_FAILED', `The idempotency key "${key}" was already used for a different call; nothing was executed.`, {
            hint: 'Use a new key for a new call; repeat a call with exactly the same tool and arguments to get its first result.',
          });
        }
        return { result: await earlier.result, replayed: true };
      }
      const run: Run = { fingerprint, result: work() };
      runs.set(key, run);
      if (runs.size > options.limit) runs.delete(runs.keys().next().value as string);
      try {
        return { result: await run.result, replayed: false };
      } catch (error) {
        if (runs.get(key) === run) runs.delete(key);
        throw error;
      }
    },
  };
}
