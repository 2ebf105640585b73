// The bus on NATS: JetStream for the durable cmd./evt. subjects (one stream per prefix, one
// durable pull consumer per consumer name), core NATS for live subscriptions and request/reply.
// The connection belongs to the caller (an entry point): close() stops this bus, not the connection.
import { ClosedConnectionError, RequestError, TimeoutError, headers as natsHeaders, type Msg, type NatsConnection } from '@nats-io/transport-node';
import { DeliverPolicy, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { Svcm } from '@nats-io/services';
import type { Logger } from 'pino';
import { CoworkersError, DEFAULT_SUBJECT_PREFIX, isCoworkersError } from '../protocol/index.ts';
import { assertHeaders, decodeJson, encodeJson, errorReply, openReply, successReply } from './bus.codec.ts';
import { busClosedError, createInFlight, createSubscriptionSet } from './bus.lifecycle.ts';
import type { Bus, BusMessage, ServiceDescription, StoredMessage, Subscription } from './bus.port.ts';
import { assertDurableName, assertDurableSubject, assertPrefix, assertSubject } from './bus.subjects.ts';
import { startNatsConsumer } from './nats.consumer.ts';
import { toBusMessage } from './nats.message.ts';
import { publishWithRetry, watchReconnects } from './nats.publish.ts';
import { permissionDenied } from './nats.refusals.ts';
import { checkStream, ensureDurableConsumer, ensureStream } from './nats.stream.ts';
import { deadLetter } from './dead-letters.ts';

export interface NatsBusOptions {
  connection: NatsConnection;
  /** Subject prefix owned by this bus; default 'coworkers.v2'. */
  prefix?: string;
  /**
   * Whether this bus creates the prefix's stream and brings it to the current config. Default
   * true; a gateway's or a connector's bus passes false, may not touch the stream (NATS
   * permissions), and only checks that it exists.
   */
  manageStream?: boolean;
  /** The stream's size limit in bytes, set by a bus that manages it; none when absent (the CLI passes COWORKERS_STREAM_MAX_BYTES). */
  streamMaxBytes?: number;
  logger: Logger;
  /** How long publish() keeps retrying while the server is away before BUS_UNAVAILABLE. Default 30 s. */
  publishRetryTotalMs?: number;
}

const DEFAULT_PUBLISH_RETRY_TOTAL_MS = 30_000;
const DEFAULT_REQUEST_TIMEOUT_MS = 5_000;
const DEFAULT_READ_LIMIT = 1_000;
/** How long read() waits for the next stored message before taking what it has as the end. */
const READ_IDLE_MS = 1_000;
/** Responders form one queue group, so each request is handled by one process, not all of them. */
const RESPONDER_QUEUE = 'coworkers-responders';

export async function createNatsBus(options: NatsBusOptions): Promise<Bus> {
  const { connection } = options;
  const prefix = options.prefix ?? DEFAULT_SUBJECT_PREFIX;
  assertPrefix(prefix);
  const logger = options.logger.child({ component: 'nats-bus', prefix });
  const publishRetryTotalMs = options.publishRetryTotalMs ?? DEFAULT_PUBLISH_RETRY_TOTAL_MS;

  const jsm = await jetstreamManager(connection).catch((error: unknown) => {
    throw topologyError('JetStream is not available on this NATS server', error);
  });
  const js = jetstream(connection);
  const manageStream = options.manageStream ?? true;
  const limits = { maxBytes: options.streamMaxBytes ?? -1 };
  const stream = await (manageStream ? ensureStream(jsm, prefix, limits) : checkStream(jsm, prefix)).catch((error: unknown) => {
    if (error instanceof CoworkersError) throw error;
    throw topologyError(`Could not ${manageStream ? 'create or update' : 'find'} the JetStream stream for "${prefix}"`, error);
  });
  const reconnects = watchReconnects(connection);
  const subscriptions = createSubscriptionSet();
  const closing = new AbortController();
  const full = (subject: string) => `${prefix}.${subject}`;

  function assertOpen(): void {
    if (closing.signal.aborted) throw busClosedError();
  }

  /** A core subscription whose stop() drains it and waits for handlers still running. */
  async function coreSubscription(subject: string, queue: string | undefined, onMessage: (msg: Msg) => Promise<void> | void): Promise<Subscription> {
    const running = createInFlight();
    const subscription = connection.subscribe(full(subject), {
      queue,
      callback: (error, msg) => {
        if (error) logger.warn({ subject, err: error }, 'NATS subscription failed');
        else running.run(async () => onMessage(msg));
      },
    });
    // Once the server has the subscription, messages published from now on reach it. While
    // disconnected the flush fails, and the client sends the subscription when it reconnects.
    await connection.flush().catch(() => {});
    return subscriptions.track(async () => {
      if (!connection.isClosed()) await subscription.drain().catch(() => subscription.unsubscribe());
      await running.settled();
    });
  }

  /** A NATS micro-service with one endpoint: the same replies, plus $SRV discovery, info and stats. */
  async function serviceEndpoint(description: ServiceDescription, subject: string, answer: (msg: Msg) => Promise<void>): Promise<Subscription> {
    const running = createInFlight();
    const service = await new Svcm(connection).add({
      name: description.name,
      version: description.version,
      description: description.description,
      metadata: { ...description.metadata, prefix },
      queue: RESPONDER_QUEUE,
    });
    service.addEndpoint('call', {
      subject: full(subject),
      handler: (error, msg) => {
        if (error) logger.warn({ subject, err: error }, 'NATS service endpoint failed');
        else running.run(async () => answer(msg));
      },
    });
    await connection.flush().catch(() => {});
    return subscriptions.track(async () => {
      if (!connection.isClosed()) await service.stop().catch(() => {});
      await running.settled();
    });
  }

  const bus: Bus = {
    async publish(subject, data, publishOptions) {
      assertOpen();
      assertDurableSubject(subject, { wildcards: false });
      assertHeaders(publishOptions.headers ?? {});
      await publishWithRetry({
        js,
        reconnects,
        logger,
        retryTotalMs: publishRetryTotalMs,
        signal: closing.signal,
        subject: full(subject),
        payload: encodeJson(data),
        msgId: publishOptions.msgId,
        headers: publishOptions.headers,
      });
    },

    async consume(subject, handler, consumeOptions) {
      assertOpen();
      assertDurableSubject(subject, { wildcards: true });
      assertDurableName(consumeOptions.durable);
      const { durable } = consumeOptions;
      const ensureConsumer = () => ensureDurableConsumer(jsm, { stream, durable, filterSubject: full(subject) });
      await ensureConsumer().catch((error: unknown) => {
        throw topologyError(`Could not create or update the durable consumer "${durable}"`, error);
      });
      const stop = await startNatsConsumer({
        connection,
        js,
        stream,
        durable,
        prefix,
        concurrency: Math.max(1, consumeOptions.concurrency ?? 1),
        handler,
        logger,
        // A command whose body is not JSON is malformed too: set aside like any other.
        undecodable: async (subject, text, reason) => {
          if (subject.startsWith('cmd.')) await deadLetter(bus, { reason: 'malformed', detail: reason, subject, payload: text });
        },
        ensureTopology: async () => {
          if (manageStream) await ensureStream(jsm, prefix, limits);
          await ensureConsumer();
        },
      }).catch((error: unknown) => {
        throw topologyError(`Could not start the durable consumer "${durable}"`, error);
      });
      return subscriptions.track(stop);
    },

    async read(subject, readOptions = {}) {
      assertOpen();
      assertDurableSubject(subject, { wildcards: true });
      const limit = readOptions.limit ?? DEFAULT_READ_LIMIT;
      // Nothing stored on the subject: answer at once rather than after an idle wait.
      const { state } = await jsm.streams.info(stream, { subjects_filter: full(subject) });
      if (Object.keys(state.subjects ?? {}).length === 0) return [];
      const consumer = await js.consumers.get(stream, {
        filter_subjects: [full(subject)],
        ...(readOptions.since === undefined
          ? { deliver_policy: DeliverPolicy.All }
          : { deliver_policy: DeliverPolicy.StartTime, opt_start_time: new Date(readOptions.since).toISOString() }),
      });
      const found: StoredMessage[] = [];
      while (found.length < limit) {
        const message = await consumer.next({ expires: READ_IDLE_MS });
        if (!message) break;
        found.push({ ...toBusMessage(message, prefix), storedAt: Math.floor(message.info.timestampNanos / 1e6) });
        if (message.info.pending === 0) break;
      }
      return found;
    },

    async subscribe(subject, handler) {
      assertOpen();
      assertSubject(subject, { wildcards: true });
      return coreSubscription(subject, undefined, (msg) => {
        try {
          handler(toBusMessage(msg, prefix));
        } catch (error) {
          logger.warn({ subject: msg.subject, err: error }, 'Subscriber failed on a live message');
        }
      });
    },

    async request(subject, data, requestOptions = {}) {
      assertOpen();
      assertSubject(subject, { wildcards: false });
      const headers = natsHeaders();
      assertHeaders(requestOptions.headers ?? {});
      for (const [name, value] of Object.entries(requestOptions.headers ?? {})) headers.set(name, value);
      const timeout = requestOptions.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
      let reply: Msg;
      try {
        reply = await connection.request(full(subject), encodeJson(data), { timeout, headers });
      } catch (error) {
        throw requestFailure(error, subject, timeout);
      }
      return openReply(decodeJson(reply.string(), subject), subject);
    },

    async respond(subject, handler, respondOptions = {}) {
      assertOpen();
      assertSubject(subject, { wildcards: true });
      const answer = async (msg: Msg) => {
        let reply;
        try {
          const message: BusMessage = toBusMessage(msg, prefix);
          reply = successReply(await handler(message.data, message));
        } catch (error) {
          // The requester only learns the message; keep the stack here.
          if (!isCoworkersError(error)) logger.error({ subject, err: error }, 'Responder failed');
          reply = errorReply(error, subject);
        }
        msg.respond(encodeJson(reply));
      };
      if (respondOptions.service) return serviceEndpoint(respondOptions.service, subject, answer);
      return coreSubscription(subject, RESPONDER_QUEUE, answer);
    },

    async close() {
      if (closing.signal.aborted) return;
      closing.abort();
      await subscriptions.stopAll();
      reconnects.stop();
    },
  };
  return bus;
}

function requestFailure(error: unknown, subject: string, timeoutMs: number): CoworkersError {
  const denied = permissionDenied(error);
  if (denied) return denied;
  if (error instanceof RequestError && error.isNoResponders()) {
    return new CoworkersError('NO_RESPONDERS', `Nobody answers requests on "${subject}"`, {
      retryable: true,
      hint: 'Start the service that responds on this subject, or check the subject name.',
      cause: error,
    });
  }
  if (error instanceof TimeoutError) {
    return new CoworkersError('REQUEST_TIMEOUT', `No reply on "${subject}" within ${timeoutMs} ms`, {
      retryable: true,
      hint: 'The responder is slow or the server is unreachable; retry, or raise timeoutMs.',
      cause: error,
    });
  }
  return new CoworkersError('BUS_UNAVAILABLE', `The request on "${subject}" failed: ${reasonOf(error)}`, {
    retryable: !(error instanceof ClosedConnectionError),
    cause: error,
  });
}

function topologyError(message: string, error: unknown): CoworkersError {
  const denied = permissionDenied(error);
  if (denied) return denied;
  return new CoworkersError('BUS_UNAVAILABLE', `${message}: ${reasonOf(error)}`, {
    retryable: true,
    hint: 'Check that nats-server runs with JetStream enabled (-js) and is reachable.',
    cause: error,
  });
}

function reasonOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
