// The in-process durable log: every stored cmd./evt. message in publish order, with the same
// limits as the JetStream stream (7-day max age, 2-minute Nats-Msg-Id de-duplication window).
import { subjectMatches } from './bus.subjects.ts';

const MAX_AGE_MS = 7 * 24 * 60 * 60 * 1000;
const DEDUPLICATION_WINDOW_MS = 2 * 60 * 1000;

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
    const firstKept = entries.findIndex((entry) => now - entry.storedAt < MAX_AGE_MS);
    if (firstKept !== 0) entries = firstKept === -1 ? [] : entries.slice(firstKept);
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
