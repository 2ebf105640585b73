// JetStream publish that rides out a server restart: retry with capped exponential backoff until
// the ack arrives or the retry budget is spent. Every attempt carries the same Nats-Msg-Id, so a
// retry of a publish whose ack was lost is stored once (the server reports it as a duplicate).
import { setTimeout as sleep } from 'node:timers/promises';
import {
  ClosedConnectionError,
  ConnectionError,
  DrainingConnectionError,
  headers as natsHeaders,
  InvalidArgumentError,
  RequestError,
  TimeoutError,
  type NatsConnection,
  type QueuedIterator,
  type Status,
} from '@nats-io/transport-node';
import type { JetStreamClient } from '@nats-io/jetstream';
import type { Logger } from 'pino';
import { CoworkersError } from '../protocol/index.ts';
import { backoffDelay } from './bus.lifecycle.ts';
import { permissionDenied } from './nats.refusals.ts';

const ATTEMPT_TIMEOUT_MS = 5_000;
const RETRY_BACKOFF = { initialMs: 250, maxMs: 4_000 };

export interface ReconnectSignal {
  /** Calls the listener at the connection's next reconnect; returns a function that cancels it. */
  once(listener: () => void): () => void;
  stop(): void;
}

/**
 * The client drops whatever it buffered while disconnected when it dials again, so a publish
 * sent during an outage never reaches the server: the signal lets the retry loop resend at
 * once on reconnect instead of waiting out the attempt's timeout.
 */
export function watchReconnects(connection: NatsConnection): ReconnectSignal {
  // status() is typed as a plain AsyncIterable but is a QueuedIterator, the only way to stop it.
  const statuses = connection.status() as QueuedIterator<Status>;
  const listeners = new Set<() => void>();
  void (async () => {
    for await (const status of statuses) {
      if (status.type !== 'reconnect') continue;
      const waiting = [...listeners];
      listeners.clear();
      for (const listener of waiting) listener();
    }
  })();
  return {
    once(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    stop: () => statuses.stop(),
  };
}

class ReconnectedDuringAttempt extends Error {
  constructor() {
    super('the connection was re-established while waiting for the ack');
  }
}

/** Errors that mean "the server is away or not ready yet": worth another attempt. */
function isServerAway(error: unknown): boolean {
  return (
    error instanceof TimeoutError ||
    error instanceof RequestError ||
    error instanceof ConnectionError ||
    error instanceof ReconnectedDuringAttempt ||
    (error instanceof Error && error.name === 'JetStreamNotEnabled')
  );
}

function refusal(error: unknown, subject: string): CoworkersError {
  const denied = permissionDenied(error);
  if (denied) return denied;
  const reason = error instanceof Error ? error.message : String(error);
  if (error instanceof ClosedConnectionError || error instanceof DrainingConnectionError) {
    return new CoworkersError('BUS_UNAVAILABLE', `Cannot publish to "${subject}": the NATS connection is closed`, {
      hint: 'The connection belongs to the entry point; close the bus before closing its connection.',
      cause: error,
    });
  }
  if (error instanceof InvalidArgumentError) {
    return new CoworkersError('COMMAND_INVALID', `Cannot publish to "${subject}": ${reason}`, { cause: error });
  }
  return new CoworkersError('INTERNAL', `JetStream refused the publish to "${subject}": ${reason}`, { cause: error });
}

export interface JetStreamPublish {
  js: JetStreamClient;
  reconnects: ReconnectSignal;
  logger: Logger;
  retryTotalMs: number;
  /** Aborted when the bus closes, so no retry loop outlives it. */
  signal: AbortSignal;
  subject: string;
  payload: string;
  msgId: string;
  headers: Record<string, string> | undefined;
}

export async function publishWithRetry(publish: JetStreamPublish): Promise<void> {
  const { js, reconnects, logger, subject, msgId } = publish;
  const headers = natsHeaders();
  for (const [name, value] of Object.entries(publish.headers ?? {})) headers.set(name, value);
  const deadline = Date.now() + publish.retryTotalMs;

  for (let attempt = 1; ; attempt++) {
    if (publish.signal.aborted) throw busClosedDuringRetry(subject);
    try {
      const timeout = Math.max(1, Math.min(ATTEMPT_TIMEOUT_MS, deadline - Date.now()));
      await ackOrReconnect(js.publish(subject, publish.payload, { msgID: msgId, headers, timeout }), reconnects);
      return;
    } catch (error) {
      // A refused subject comes as a RequestError too, but waiting will not change the server's mind.
      if (!isServerAway(error) || permissionDenied(error)) throw refusal(error, subject);
      const retryInMs = Math.min(backoffDelay(attempt, RETRY_BACKOFF), deadline - Date.now());
      if (retryInMs <= 0) {
        throw new CoworkersError('BUS_UNAVAILABLE', `Could not publish to "${subject}": no JetStream ack within ${publish.retryTotalMs} ms`, {
          retryable: true,
          hint: 'Check that nats-server is running with JetStream (-js) and reachable; the publish can be retried with the same msgId.',
          cause: error,
        });
      }
      logger.warn(
        { subject, msgId, attempt, retryInMs, reason: error instanceof Error ? error.message : String(error) },
        'NATS publish not acknowledged, server unavailable; retrying',
      );
      await sleep(retryInMs, undefined, { signal: publish.signal }).catch(() => {});
    }
  }
}

/** The ack, or a retryable failure as soon as the connection is re-established (the attempt was likely dropped). */
async function ackOrReconnect(ack: Promise<unknown>, reconnects: ReconnectSignal): Promise<void> {
  const reconnected = Promise.withResolvers<never>();
  const cancel = reconnects.once(() => reconnected.reject(new ReconnectedDuringAttempt()));
  try {
    await Promise.race([ack, reconnected.promise]);
  } finally {
    cancel();
  }
}

function busClosedDuringRetry(subject: string): CoworkersError {
  return new CoworkersError('BUS_UNAVAILABLE', `Publish to "${subject}" abandoned: the bus was closed while retrying`, {
    hint: 'Close the bus only after its publishes have settled.',
  });
}
