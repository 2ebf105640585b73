// The JetStream topology behind one prefix: a stream holding `<prefix>.cmd.*.<shard>.*` for each shard, `.evt.>`,
// `.trg.>` and `.dlq.>` (STORED_SUBJECTS), and one durable pull consumer per consumer name.
import { nanos } from '@nats-io/transport-node';
import {
  AckPolicy,
  DiscardPolicy,
  JetStreamApiError,
  RetentionPolicy,
  StorageType,
  type ConsumerUpdateConfig,
  type JetStreamManager,
  type StreamUpdateConfig,
} from '@nats-io/jetstream';
import { CoworkersError, STORED_SUBJECTS } from '../protocol/index.ts';

const DAY_MS = 24 * 60 * 60 * 1000;
const STREAM_MAX_AGE_MS = 7 * DAY_MS;
export const DEDUPLICATION_WINDOW_MS = 2 * 60 * 1000;
/** The stream's size limit when the runtime is given none (`COWORKERS_STREAM_MAX_BYTES` in cli/config.ts). */
export const DEFAULT_STREAM_MAX_BYTES = 1024 ** 3;

/**
 * Redelivery after an ack timeout (a process that died or hung mid-handler), per delivery:
 * the first entry is also the ack wait, so a silent consumer gets a message back after 30 s.
 */
const ACK_TIMEOUT_BACKOFF_MS = [30_000, 60_000, 5 * 60_000, 15 * 60_000];
export const ACK_WAIT_MS = ACK_TIMEOUT_BACKOFF_MS[0] ?? 30_000;

// JetStream API error codes this module reacts to.
const STREAM_NAME_IN_USE = 10058;
const STREAM_NOT_FOUND = 10059;
const CONSUMER_ALREADY_EXISTS = 10148;
const INSUFFICIENT_STORAGE = 10047;

/** 'coworkers.v2' → 'COWORKERS_V2' (stream names cannot contain dots). */
export function streamNameFor(prefix: string): string {
  return prefix.toUpperCase().replace(/[^A-Z0-9_-]/g, '_');
}

function hasCode(error: unknown, code: number): boolean {
  return error instanceof JetStreamApiError && error.code === code;
}

export interface StreamLimits {
  /**
   * The stream's size in bytes, beside its 7-day age limit; -1 for none. At the limit the oldest
   * messages are dropped (discard old), acknowledged or not: publishing never fails for space.
   */
  maxBytes: number;
}

/** Creates the prefix's stream, or brings an existing one to the current config. */
export async function ensureStream(jsm: JetStreamManager, prefix: string, limits: StreamLimits = { maxBytes: -1 }): Promise<string> {
  const name = streamNameFor(prefix);
  const updatable: Partial<StreamUpdateConfig> = {
    subjects: STORED_SUBJECTS.map((subject) => `${prefix}.${subject}`),
    max_age: nanos(STREAM_MAX_AGE_MS),
    max_bytes: limits.maxBytes,
    discard: DiscardPolicy.Old,
    duplicate_window: nanos(DEDUPLICATION_WINDOW_MS),
  };
  try {
    await jsm.streams.add({ name, retention: RetentionPolicy.Limits, storage: StorageType.File, ...updatable });
  } catch (error) {
    if (hasCode(error, INSUFFICIENT_STORAGE)) throw noRoomError(name, limits.maxBytes, error);
    if (!hasCode(error, STREAM_NAME_IN_USE)) throw error;
    await jsm.streams.update(name, updatable).catch((cause: unknown) => {
      throw hasCode(cause, INSUFFICIENT_STORAGE) ? noRoomError(name, limits.maxBytes, cause) : cause;
    });
  }
  return name;
}

/** nats-server reserves a stream's whole size limit on its disk when the stream is made. */
function noRoomError(name: string, maxBytes: number, cause: unknown): CoworkersError {
  return new CoworkersError('BUS_UNAVAILABLE', `NATS has no room to reserve ${maxBytes} bytes for the stream ${name}`, {
    hint: "Give JetStream more storage (the server's max_file_store, or free disk), or set COWORKERS_STREAM_MAX_BYTES lower on every runtime.",
    cause,
  });
}

/**
 * For a process that may not manage the stream (a gateway, a connector): the stream must exist
 * already, made by a runtime or the operator. Needs only `$JS.API.STREAM.INFO.<stream>`.
 */
export async function checkStream(jsm: JetStreamManager, prefix: string): Promise<string> {
  const name = streamNameFor(prefix);
  try {
    await jsm.streams.info(name);
  } catch (error) {
    if (!hasCode(error, STREAM_NOT_FOUND)) throw error;
    throw new CoworkersError('BUS_UNAVAILABLE', `the stream ${name} does not exist yet: start a runtime first`, {
      retryable: true,
      hint: `A runtime ("coworkers runtime") creates it; check that it runs with the same COWORKERS_SUBJECT_PREFIX ("${prefix}").`,
      cause: error,
    });
  }
  return name;
}

/** Creates the durable pull consumer, or updates it when its config changed (e.g. a new filter). */
export async function ensureDurableConsumer(
  jsm: JetStreamManager,
  options: { stream: string; durable: string; filterSubject: string },
): Promise<void> {
  const updatable: Partial<ConsumerUpdateConfig> = {
    filter_subject: options.filterSubject,
    ack_wait: nanos(ACK_WAIT_MS),
    max_deliver: -1,
    backoff: ACK_TIMEOUT_BACKOFF_MS.map((ms) => nanos(ms)),
  };
  try {
    await jsm.consumers.add(options.stream, { durable_name: options.durable, ack_policy: AckPolicy.Explicit, ...updatable });
  } catch (error) {
    if (!hasCode(error, CONSUMER_ALREADY_EXISTS)) throw error;
    await jsm.consumers.update(options.stream, options.durable, updatable);
  }
}
