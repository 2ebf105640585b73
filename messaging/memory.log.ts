// The in-process durable log: every stored cmd./evt. message in publish order, with the same
// limits as the JetStream stream (7-day max age, 2-minute Nats-Msg-Id de-duplication window),
// plus a cap on the count so a long-running embedded runtime keeps bounded memory.
import { subjectMatches } from './bus.subjects.ts';

const MAX_AGE_MS = 7 * 24 * 60 * 60 * 1000;
const DEDUPLICATION_WINDOW_MS = 2 * 60 * 1000;
const MAX_ENTRIES = 100_000;

export interface LogEntry {
  seq: number;
  subject: string;
  /** The JSON body, decoded afresh for every delivery so handlers never share an object. */
  payload: string;
  headers: Record<string, string>;
  storedAt: number;
}

export interface MemoryLog {
  /** Stores the message; undefined when its msgId was already stored inside the window. */
  append(message: { subject: string; payload: string; headers: Record<string, string>; msgId: string }): LogEntry | undefined;
  /** The first entry after `afterSeq` whose subject matches `pattern`. */
  nextMatching(afterSeq: number, pattern: string): LogEntry | undefined;
  readonly lastSeq: number;
}

export function createMemoryLog(): MemoryLog {
  let entries: LogEntry[] = [];
  let lastSeq = 0;
  /** msgId → when it was stored; a Map iterates in insertion order, so the oldest come first. */
  const seenMsgIds = new Map<string, number>();

  function forgetExpired(now: number): void {
    for (const [msgId, storedAt] of seenMsgIds) {
      if (now - storedAt < DEDUPLICATION_WINDOW_MS) break;
      seenMsgIds.delete(msgId);
    }
    const fresh = entries.findIndex((entry) => now - entry.storedAt < MAX_AGE_MS);
    // Over the cap, drop a tenth at once rather than copying the log on every append.
    const overCap = entries.length >= MAX_ENTRIES ? entries.length - MAX_ENTRIES * 0.9 : 0;
    const firstKept = fresh === -1 ? entries.length : Math.max(fresh, overCap);
    if (firstKept > 0) entries = entries.slice(firstKept);
  }

  return {
    append({ subject, payload, headers, msgId }) {
      const now = Date.now();
      forgetExpired(now);
      if (seenMsgIds.has(msgId)) return undefined;
      seenMsgIds.set(msgId, now);
      const entry = { seq: ++lastSeq, subject, payload, headers: { ...headers }, storedAt: now };
      entries.push(entry);
      return entry;
    },
    nextMatching(afterSeq, pattern) {
      const firstSeq = entries[0]?.seq ?? lastSeq + 1;
      for (let index = Math.max(0, afterSeq + 1 - firstSeq); index < entries.length; index++) {
        const entry = entries[index];
        if (entry && subjectMatches(pattern, entry.subject)) return entry;
      }
      return undefined;
    },
    get lastSeq() {
      return lastSeq;
    },
  };
}
