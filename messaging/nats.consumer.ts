// One member of a durable pull consumer. Messages come from the client's consume() iterator in
// stream order; the loop takes the next one only when a handler slot is free, so handlers start
// in order. The client sends its next pull only when the loop asks for the next message, so
// about `concurrency` messages wait here beyond those being handled. consume() itself re-pulls
// after a reconnect or missed heartbeats; this loop restarts it if it ever ends.
import { setTimeout as sleep } from 'node:timers/promises';
import type { NatsConnection } from '@nats-io/transport-node';
import type { ConsumerMessages, JetStreamClient, JsMsg } from '@nats-io/jetstream';
import type { Logger } from 'pino';
import { backoffDelay, createInFlight } from './bus.lifecycle.ts';
import type { BusMessage } from './bus.port.ts';
import { toBusMessage } from './nats.message.ts';
import { ACK_WAIT_MS } from './nats.stream.ts';

/** A handler that throws gets its message back after 1 s, then 2 s, 4 s, … up to 5 minutes. */
const HANDLER_FAILURE_BACKOFF = { initialMs: 1_000, maxMs: 5 * 60_000 };
/** Long handlers tell the server they are alive well before the ack wait runs out. */
const WORKING_INTERVAL_MS = ACK_WAIT_MS / 3;
const RESTART_DELAY_MS = 1_000;

export interface NatsConsumerOptions {
  connection: NatsConnection;
  js: JetStreamClient;
  stream: string;
  durable: string;
  prefix: string;
  concurrency: number;
  handler: (message: BusMessage) => Promise<void>;
  logger: Logger;
  /** Sets aside a body that is not JSON (e.g. as a dead letter) before it is dropped; if it throws, the message comes back later. */
  undecodable?: (subject: string, text: string, reason: string) => Promise<void>;
  /** Creates the stream and the consumer again, for a server that lost them. */
  ensureTopology: () => Promise<void>;
}

/** Starts consuming; resolves to a stop function that waits for running handlers. */
export async function startNatsConsumer(options: NatsConsumerOptions): Promise<() => Promise<void>> {
  const { connection, js, stream, durable, concurrency, logger } = options;
  const consumer = await js.consumers.get(stream, durable);
  const handlers = createInFlight();
  // Ack confirmations are awaited here, not in the handler slot, so the next message starts sooner.
  const confirmations = createInFlight();
  const stopping = new AbortController();
  let messages: ConsumerMessages | undefined;

  const loop = (async () => {
    const ended = () => stopping.signal.aborted || connection.isClosed();
    while (!ended()) {
      let failure: unknown;
      try {
        messages = await consumer.consume({ max_messages: concurrency });
        if (stopping.signal.aborted) messages.stop(); // stop() ran while consume() was starting
        void recreateLostTopology(messages, options);
        for await (const message of messages) {
          await handlers.below(concurrency);
          // Taken from the iterator after stop(): hand it back at once for another member.
          if (stopping.signal.aborted) message.nak();
          else handlers.run(() => handle(message, options, confirmations.run));
        }
      } catch (error) {
        failure = error;
      }
      if (ended()) break;
      logger.warn({ stream, durable, err: failure }, `JetStream consumer ended; restarting it in ${RESTART_DELAY_MS} ms`);
      await sleep(RESTART_DELAY_MS, undefined, { signal: stopping.signal }).catch(() => {});
    }
  })();

  return async () => {
    stopping.abort();
    messages?.stop();
    await loop;
    await handlers.settled();
    await confirmations.settled();
  };
}

async function handle(message: JsMsg, options: NatsConsumerOptions, confirm: (task: () => Promise<void>) => void): Promise<void> {
  const { logger, durable } = options;
  let busMessage: BusMessage;
  try {
    busMessage = toBusMessage(message, options.prefix, message.redelivered);
  } catch (error) {
    try {
      await options.undecodable?.(message.subject.slice(options.prefix.length + 1), message.string(), error instanceof Error ? error.message : String(error));
    } catch (setAsideError) {
      logger.warn({ subject: message.subject, durable, err: setAsideError }, 'Could not set aside a message that is not JSON; it will be redelivered');
      message.nak(backoffDelay(message.info.deliveryCount, HANDLER_FAILURE_BACKOFF));
      return;
    }
    // Redelivering a body that cannot be decoded would fail forever.
    logger.error({ subject: message.subject, durable, err: error }, 'Dropping a message that is not JSON');
    message.term('body is not JSON');
    return;
  }

  const keepAlive = setInterval(() => {
    try {
      message.working();
    } catch {
      // The connection is closed: the server redelivers after the ack wait, as it should.
    }
  }, WORKING_INTERVAL_MS);
  try {
    await options.handler(busMessage);
  } catch (error) {
    const retryInMs = backoffDelay(message.info.deliveryCount, HANDLER_FAILURE_BACKOFF);
    logger.warn(
      { subject: busMessage.subject, durable, deliveryCount: message.info.deliveryCount, retryInMs, err: error },
      'Message handler failed; the message will be redelivered',
    );
    message.nak(retryInMs);
    return;
  } finally {
    clearInterval(keepAlive);
  }

  // The server confirms the ack: only then is the message certain not to come back.
  confirm(() =>
    message.ackAck().then(
      () => undefined,
      (error: unknown) => logger.warn({ subject: busMessage.subject, durable, err: error }, 'Ack not confirmed; the message may be delivered again'),
    ),
  );
}

/**
 * consume() keeps asking for a consumer or stream the server no longer has (a server that lost
 * its data), only every 15-45 s: put them back, then end this consume() so the loop starts a
 * fresh one that pulls at once.
 */
async function recreateLostTopology(messages: ConsumerMessages, options: NatsConsumerOptions): Promise<void> {
  const { logger, stream, durable } = options;
  for await (const notification of messages.status()) {
    if (notification.type !== 'consumer_not_found' && notification.type !== 'stream_not_found' && notification.type !== 'consumer_deleted') {
      continue;
    }
    logger.warn({ stream, durable, reason: notification.type }, 'Re-creating the JetStream stream and consumer');
    try {
      await options.ensureTopology();
      messages.stop();
    } catch (error) {
      logger.warn({ stream, durable, err: error }, 'Could not re-create the JetStream stream and consumer');
    }
  }
}
