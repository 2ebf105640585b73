// The bus in one process (embedded mode), with the NATS adapter's semantics: a durable log with
// msgId de-duplication, named consumers that share a position, live fan-out, request/reply with
// the same error mapping, and JSON bodies (so nothing works here that would break over NATS).
// Every handler runs asynchronously, never inside the publish() call that fed it.
import type { Logger } from 'pino';
import { CoworkersError, DEFAULT_SUBJECT_PREFIX, isCoworkersError } from '../protocol/index.ts';
import { assertHeaders, encodeJson, errorReply, openReply, successReply } from './bus.codec.ts';
import { busClosedError, createInFlight, createSubscriptionSet, type InFlight } from './bus.lifecycle.ts';
import type { Bus, BusMessage, StoredMessage } from './bus.port.ts';
import { assertDurableName, assertDurableSubject, assertPrefix, assertSubject, subjectMatches } from './bus.subjects.ts';
import { createConsumerGroup, type ConsumerGroup } from './memory.consumer-group.ts';
import { createMemoryLog } from './memory.log.ts';

export interface MemoryBusOptions {
  /** Only shown in logs here: nothing outside the process shares these subjects. */
  prefix?: string;
  /** Where failing handlers are reported; silent without one. */
  logger?: Logger;
}

const DEFAULT_REQUEST_TIMEOUT_MS = 5_000;
const DEFAULT_READ_LIMIT = 1_000;

interface LiveSubscriber {
  pattern: string;
  handler: (message: BusMessage) => void;
}

interface Responder {
  pattern: string;
  handler: (data: unknown, message: BusMessage) => Promise<unknown>;
  running: InFlight;
}

export function createMemoryBus(options: MemoryBusOptions = {}): Bus {
  const prefix = options.prefix ?? DEFAULT_SUBJECT_PREFIX;
  assertPrefix(prefix);
  const logger = options.logger?.child({ component: 'memory-bus', prefix });
  const log = createMemoryLog();
  const groups = new Map<string, ConsumerGroup>();
  const subscribers = new Set<LiveSubscriber>();
  const responders: Responder[] = [];
  let nextResponder = 0;
  const timers = new Set<NodeJS.Timeout>();
  const subscriptions = createSubscriptionSet();
  let closed = false;

  function assertOpen(): void {
    if (closed) throw busClosedError();
  }

  function schedule(delayMs: number, callback: () => void): void {
    const timer = setTimeout(() => {
      timers.delete(timer);
      callback();
    }, delayMs);
    timers.add(timer);
  }

  function groupNamed(name: string): ConsumerGroup {
    let group = groups.get(name);
    if (!group) {
      group = createConsumerGroup({ name, log, schedule, logger });
      groups.set(name, group);
    }
    return group;
  }

  /** Every publish reaches live subscribers, duplicates included, as core NATS subscribers see them. */
  function fanOut(subject: string, payload: string, headers: Record<string, string>): void {
    for (const subscriber of subscribers) {
      if (!subjectMatches(subscriber.pattern, subject)) continue;
      queueMicrotask(() => {
        try {
          subscriber.handler({ subject, data: JSON.parse(payload), headers: { ...headers }, redelivered: false });
        } catch (error) {
          logger?.warn({ subject, err: error }, 'Subscriber failed on a live message');
        }
      });
    }
  }

  /** One responder per request, taken in turn among those whose pattern matches, like a NATS queue group. */
  function pickResponder(subject: string): Responder | undefined {
    const matching = responders.filter((responder) => subjectMatches(responder.pattern, subject));
    return matching[nextResponder++ % Math.max(1, matching.length)];
  }

  function answer(responder: Responder, subject: string, payload: string, headers: Record<string, string>): Promise<string> {
    const reply = Promise.withResolvers<string>();
    responder.running.run(async () => {
      const message: BusMessage = { subject, data: JSON.parse(payload), headers, redelivered: false };
      try {
        reply.resolve(encodeJson(successReply(await responder.handler(message.data, message))));
      } catch (error) {
        if (!isCoworkersError(error)) logger?.error({ subject, err: error }, 'Responder failed');
        reply.resolve(encodeJson(errorReply(error, subject)));
      }
    });
    return reply.promise;
  }

  return {
    async publish(subject, data, publishOptions) {
      assertOpen();
      assertDurableSubject(subject, { wildcards: false });
      const headers = publishOptions.headers ?? {};
      assertHeaders(headers);
      const payload = encodeJson(data);
      fanOut(subject, payload, headers);
      if (!log.append({ subject, payload, headers, msgId: publishOptions.msgId })) return;
      for (const group of groups.values()) group.wake();
    },

    async consume(subject, handler, consumeOptions) {
      assertOpen();
      assertDurableSubject(subject, { wildcards: true });
      assertDurableName(consumeOptions.durable);
      const leave = groupNamed(consumeOptions.durable).join(subject, handler, Math.max(1, consumeOptions.concurrency ?? 1));
      return subscriptions.track(leave);
    },

    async read(subject, readOptions = {}) {
      assertOpen();
      assertDurableSubject(subject, { wildcards: true });
      const since = readOptions.since ?? 0;
      const limit = readOptions.limit ?? DEFAULT_READ_LIMIT;
      const found: StoredMessage[] = [];
      for (let entry = log.nextMatching(0, subject); entry && found.length < limit; entry = log.nextMatching(entry.seq, subject)) {
        if (entry.storedAt < since) continue;
        found.push({ subject: entry.subject, data: JSON.parse(entry.payload), headers: { ...entry.headers }, redelivered: false, storedAt: entry.storedAt });
      }
      return found;
    },

    async subscribe(subject, handler) {
      assertOpen();
      assertSubject(subject, { wildcards: true });
      const subscriber: LiveSubscriber = { pattern: subject, handler };
      subscribers.add(subscriber);
      return subscriptions.track(async () => {
        subscribers.delete(subscriber);
      });
    },

    async request(subject, data, requestOptions = {}) {
      assertOpen();
      assertSubject(subject, { wildcards: false });
      const headers = requestOptions.headers ?? {};
      assertHeaders(headers);
      const responder = pickResponder(subject);
      if (!responder) {
        throw new CoworkersError('NO_RESPONDERS', `Nobody answers requests on "${subject}"`, {
          retryable: true,
          hint: 'Start the service that responds on this subject, or check the subject name.',
        });
      }
      const timeoutMs = requestOptions.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
      const timedOut = Promise.withResolvers<never>();
      const timer = setTimeout(() => {
        timedOut.reject(
          new CoworkersError('REQUEST_TIMEOUT', `No reply on "${subject}" within ${timeoutMs} ms`, {
            retryable: true,
            hint: 'The responder is slow; retry, or raise timeoutMs.',
          }),
        );
      }, timeoutMs);
      try {
        const reply = await Promise.race([answer(responder, subject, encodeJson(data), { ...headers }), timedOut.promise]);
        return openReply(JSON.parse(reply), subject);
      } finally {
        clearTimeout(timer);
      }
    },

    // A service description matters for discovery on NATS; in one process there is nothing to discover.
    async respond(subject, handler) {
      assertOpen();
      assertSubject(subject, { wildcards: true });
      const responder: Responder = { pattern: subject, handler, running: createInFlight() };
      responders.push(responder);
      return subscriptions.track(async () => {
        responders.splice(responders.indexOf(responder), 1);
        await responder.running.settled();
      });
    },

    async close() {
      if (closed) return;
      closed = true;
      await subscriptions.stopAll();
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
    },
  };
}
