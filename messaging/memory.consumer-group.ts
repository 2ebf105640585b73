// A durable consumer in one process: a named position in the log shared by every member that
// consumes under that name. Each message goes to one member; a handler that throws gets its
// message again after a backoff. Like JetStream, due redeliveries go before new messages.
import type { Logger } from 'pino';
import { backoffDelay, createInFlight, type InFlight } from './bus.lifecycle.ts';
import type { BusMessage } from './bus.port.ts';
import type { LogEntry, MemoryLog } from './memory.log.ts';

/** Shorter than on NATS: nothing crosses a network here, and tests wait for it. */
const HANDLER_FAILURE_BACKOFF = { initialMs: 100, maxMs: 30_000 };

interface Member {
  handler: (message: BusMessage) => Promise<void>;
  concurrency: number;
  active: number;
  handlers: InFlight;
}

interface Redelivery {
  entry: LogEntry;
  dueAt: number;
}

export interface ConsumerGroup {
  /** Adds a member; the latest member's subject pattern becomes the group's filter. */
  join(pattern: string, handler: (message: BusMessage) => Promise<void>, concurrency: number): () => Promise<void>;
  /** New messages may be waiting: deliver what the members have room for, asynchronously. */
  wake(): void;
}

export interface ConsumerGroupOptions {
  name: string;
  log: MemoryLog;
  /** Runs `callback` after `delayMs`; the bus owns the timers so close() can clear them. */
  schedule: (delayMs: number, callback: () => void) => void;
  logger: Logger | undefined;
}

const TIMER_SLACK_MS = 5;

export function createConsumerGroup(options: ConsumerGroupOptions): ConsumerGroup {
  const { name, log, logger } = options;
  let pattern = '>';
  /** Seq of the last log entry this group has looked at. */
  let cursor = 0;
  const members: Member[] = [];
  let nextMember = 0;
  const redeliveries: Redelivery[] = [];
  const deliveryCounts = new Map<number, number>();
  let wakeQueued = false;

  function memberWithRoom(): Member | undefined {
    for (let tried = 0; tried < members.length; tried++) {
      const member = members[(nextMember + tried) % members.length];
      if (member && member.active < member.concurrency) {
        nextMember = (nextMember + tried + 1) % members.length;
        return member;
      }
    }
    return undefined;
  }

  function takeNext(): LogEntry | undefined {
    // Node timers can fire a millisecond before Date.now() says they are due; without the slack
    // the woken consumer would find nothing due and set no new timer.
    const now = Date.now() + TIMER_SLACK_MS;
    const due = redeliveries.filter((redelivery) => redelivery.dueAt <= now).sort((a, b) => a.entry.seq - b.entry.seq)[0];
    if (due) {
      redeliveries.splice(redeliveries.indexOf(due), 1);
      return due.entry;
    }
    const entry = log.nextMatching(cursor, pattern);
    cursor = entry?.seq ?? log.lastSeq;
    return entry;
  }

  function deliver(member: Member, entry: LogEntry): void {
    const deliveries = (deliveryCounts.get(entry.seq) ?? 0) + 1;
    deliveryCounts.set(entry.seq, deliveries);
    const message: BusMessage = {
      subject: entry.subject,
      data: JSON.parse(entry.payload),
      headers: { ...entry.headers },
      redelivered: deliveries > 1,
    };
    member.active++;
    member.handlers.run(async () => {
      try {
        await member.handler(message);
        deliveryCounts.delete(entry.seq);
      } catch (error) {
        const retryInMs = backoffDelay(deliveries, HANDLER_FAILURE_BACKOFF);
        logger?.warn({ subject: entry.subject, durable: name, deliveryCount: deliveries, retryInMs, err: error }, 'Message handler failed; the message will be redelivered');
        redeliveries.push({ entry, dueAt: Date.now() + retryInMs });
        options.schedule(retryInMs, wake);
      } finally {
        member.active--;
        wake();
      }
    });
  }

  function pump(): void {
    for (let member = memberWithRoom(); member; member = memberWithRoom()) {
      const entry = takeNext();
      if (!entry) return;
      deliver(member, entry);
    }
  }

  function wake(): void {
    if (wakeQueued) return;
    wakeQueued = true;
    queueMicrotask(() => {
      wakeQueued = false;
      pump();
    });
  }

  return {
    join(memberPattern, handler, concurrency) {
      pattern = memberPattern;
      const member: Member = { handler, concurrency, active: 0, handlers: createInFlight() };
      members.push(member);
      wake();
      return async () => {
        const index = members.indexOf(member);
        if (index !== -1) members.splice(index, 1);
        await member.handlers.settled();
      };
    },
    wake,
  };
}
