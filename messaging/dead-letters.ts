// Dead letters: a command the runtime cannot take is set aside durably on `dlq.<reason>`, with the
// reason, its subject and its payload, instead of being logged and dropped; `coworkers
// dead-letters` reads them back. The stream keeps them as long as everything else (7 days).
import { createHash } from 'node:crypto';
import { PROTOCOL_VERSION, deadLetterSchema, subjects, type DeadLetter, type DeadLetterReason } from '../protocol/index.ts';
import type { Bus } from './bus.port.ts';

/** A payload past this (as JSON text) is kept as its first 64 KB of text, so the dead letter stays under NATS's 1 MB message limit. */
const MAX_PAYLOAD_CHARS = 64 * 1024;
const READ_LIMIT = 10_000;

export interface DeadLetterInput {
  reason: DeadLetterReason;
  /** What was wrong, in words (for people reading `coworkers dead-letters`). */
  detail: string;
  /** Where the message was published, relative to the prefix. */
  subject: string;
  /** The message as received: decoded JSON, or the text of a body that was not JSON. */
  payload: unknown;
  at?: number;
}

/** Publishes the dead letter (durable, once per reason, subject and payload) and returns it. */
export async function deadLetter(bus: Bus, input: DeadLetterInput): Promise<DeadLetter> {
  const text = JSON.stringify(input.payload ?? null);
  const truncated = text.length > MAX_PAYLOAD_CHARS;
  const id = `dlq:${input.reason}:${createHash('sha256').update(JSON.stringify([input.subject, text])).digest('hex').slice(0, 32)}`;
  const letter: DeadLetter = {
    v: PROTOCOL_VERSION,
    id,
    reason: input.reason,
    detail: input.detail,
    subject: input.subject,
    payload: truncated ? text.slice(0, MAX_PAYLOAD_CHARS) : (input.payload ?? null),
    ...(truncated ? { truncated } : {}),
    at: input.at ?? Date.now(),
  };
  await bus.publish(subjects.deadLetter(input.reason), letter, { msgId: id });
  return letter;
}

export interface DeadLetterListing {
  /** The dead letters stored (the stream keeps 7 days), by reason: the count an operator watches. */
  count: number;
  byReason: Partial<Record<DeadLetterReason, number>>;
  deadLetters: DeadLetter[];
}

/** The stored dead letters, oldest first; anything on `dlq.>` that is not a dead letter is shown as one whose detail says so. */
export async function readDeadLetters(bus: Bus, options: { since?: number } = {}): Promise<DeadLetterListing> {
  const stored = await bus.read(subjects.allDeadLetters, { ...options, limit: READ_LIMIT });
  const deadLetters = stored.map((message): DeadLetter => {
    const parsed = deadLetterSchema.safeParse(message.data);
    if (parsed.success) return parsed.data;
    return { v: PROTOCOL_VERSION, id: `stored:${message.storedAt}`, reason: 'malformed', detail: 'not a dead letter: published on dlq.> by something else', subject: message.subject, payload: message.data, at: message.storedAt };
  });
  const byReason: DeadLetterListing['byReason'] = {};
  for (const letter of deadLetters) byReason[letter.reason] = (byReason[letter.reason] ?? 0) + 1;
  return { count: deadLetters.length, byReason, deadLetters };
}
