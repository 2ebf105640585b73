// The keys a connector has executed, kept in the store, so a call repeated after a connector
// restart (or sent to another instance) returns its first result instead of acting again.
// A key is claimed before the tool runs and its result recorded after; a failed run releases
// the claim. A claim with no result (the connector died mid-call) is reported, never guessed at:
// the side effect may or may not have happened, and only a person can tell. Both records are
// insert-only and a new key is claimed without reading first: on FerretDB 1.x an insert checks a
// unique index, while a find by _id or an update scans the collection.
import { CoworkersError, type ToolResult } from '../protocol/index.ts';
import type { Documents } from '../persistence/index.ts';

const CLAIMS = 'tool-runs';
const RESULTS = 'tool-results';

interface Claim {
  fingerprint: string;
  at: number;
}

interface Result extends Claim {
  result: unknown;
}

export interface ExecutedKeys {
  once(connector: string, key: string, fingerprint: string, run: () => Promise<ToolResult>): Promise<ToolResult>;
}

export function createExecutedKeys(documents: Documents, now: () => number = Date.now): ExecutedKeys {
  /** Claims made by this process and still running: their repeats wait for them. */
  const mine = new Map<string, Promise<ToolResult>>();

  function assertSameCall(record: Claim, key: string, fingerprint: string): void {
    if (record.fingerprint === fingerprint) return;
    throw new CoworkersError('TOOL_FAILED', `The idempotency key "${key}" was already used for a different call; nothing was executed.`, {
      hint: 'Use a new key for a new call; repeat a call with exactly the same tool and arguments to get its first result.',
    });
  }

  async function earlier(id: string, key: string, fingerprint: string): Promise<ToolResult | 'free'> {
    const done = await documents.get<Result>(RESULTS, id);
    if (done) {
      assertSameCall(done, key, fingerprint);
      return { result: done.result, replayed: true };
    }
    const claim = await documents.get<Claim>(CLAIMS, id);
    if (!claim) return 'free';
    assertSameCall(claim, key, fingerprint);
    const running = mine.get(id);
    if (running) return { ...(await running), replayed: true };
    throw new CoworkersError('TOOL_FAILED', `The call with idempotency key "${key}" was started at ${new Date(claim.at).toISOString()} and never finished; it may or may not have taken effect, so it was not run again.`, {
      retryable: true,
      hint: `Check in the service whether it took effect. To run it again, delete the document "${id}" from the "${CLAIMS}" collection.`,
    });
  }

  return {
    async once(connector, key, fingerprint, run) {
      const id = `${connector}:${key}`;
      const claim = () => documents.insert(CLAIMS, id, { fingerprint, at: now() } satisfies Claim);
      if (!(await claim())) {
        // Claimed before: by an earlier run of this key, or by another instance right now.
        const found = await earlier(id, key, fingerprint);
        if (found !== 'free') return found;
        // That run failed and released its claim between our insert and our read.
        if (!(await claim())) {
          throw new CoworkersError('TOOL_FAILED', `Another instance is running the call with idempotency key "${key}".`, { retryable: true, hint: 'Retry with the same key to get its result.' });
        }
      }
      const running = (async () => {
        let outcome: ToolResult;
        try {
          outcome = await run();
        } catch (error) {
          // It did not take effect: a retry may run it.
          await documents.delete(CLAIMS, id);
          throw error;
        }
        // If this write fails the claim stays, and a repeat is reported rather than run twice.
        await documents.insert(RESULTS, id, { fingerprint, at: now(), result: outcome.result } satisfies Result);
        return outcome;
      })();
      mine.set(id, running);
      try {
        return await running;
      } finally {
        mine.delete(id);
      }
    },
  };
}
