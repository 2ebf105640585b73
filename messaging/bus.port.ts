// The bus port: how every service talks. Two adapters implement it: NATS (JetStream for the
// durable subjects, core request/reply for calls) and in-process (the embedded mode). Subjects
// are relative (see protocol/subjects.ts); the adapter owns the prefix.

export interface BusMessage {
  subject: string;
  data: unknown;
  headers: Record<string, string>;
  /** True when this message was delivered before and not acknowledged. */
  redelivered: boolean;
}

/** A message as the durable log keeps it. */
export interface StoredMessage extends BusMessage {
  /** When the log stored it (epoch ms). */
  storedAt: number;
}

export interface ReadOptions {
  /** Only messages stored at or after this time (epoch ms). */
  since?: number;
  /** At most this many, the oldest first. Default 1,000. */
  limit?: number;
}

export interface Subscription {
  stop(): Promise<void>;
}

export interface PublishOptions {
  /** De-duplication key: a second publish with the same id inside the window is dropped. */
  msgId: string;
  headers?: Record<string, string>;
}

export interface ConsumeOptions {
  /** Consumers with the same name share one position and split the messages between them. */
  durable: string;
  /** Handlers running at once; delivery still starts in publish order. Default 1. */
  concurrency?: number;
}

export interface RequestOptions {
  timeoutMs?: number;
  headers?: Record<string, string>;
}

/** A responder that is also a discoverable service (a connector): on NATS, a micro-service with $SRV discovery and stats. */
export interface ServiceDescription {
  /** Letters, digits, '-' and '_'. */
  name: string;
  version: string;
  description: string;
  /** Strings only, shown by discovery (INFO). */
  metadata?: Record<string, string>;
}

export interface RespondOptions {
  service?: ServiceDescription;
}

export interface Bus {
  /**
   * Durable publish to a stored subject (`STORED_SUBJECTS`: `cmd.<kind>.<shard>.<coworker>`,
   * `evt.>`, `trg.>`, `dlq.>`). Resolves once stored; retries with backoff while the server is
   * away, then rejects with BUS_UNAVAILABLE.
   */
  publish(subject: string, data: unknown, options: PublishOptions): Promise<void>;
  /**
   * At-least-once delivery of durable subjects. A handler that resolves acknowledges its
   * message; one that throws gets it again later, with backoff.
   */
  consume(subject: string, handler: (message: BusMessage) => Promise<void>, options: ConsumeOptions): Promise<Subscription>;
  /**
   * The stored messages whose subject matches, oldest first, without acknowledging or moving any
   * consumer (on NATS an ordered consumer): for reading a log such as the dead letters.
   */
  read(subject: string, options?: ReadOptions): Promise<StoredMessage[]>;
  /** Live fan-out of messages published from now on (durable subjects included); nothing is replayed. */
  subscribe(subject: string, handler: (message: BusMessage) => void): Promise<Subscription>;
  /** Request/reply. Rejects with the responder's CoworkersError, NO_RESPONDERS or REQUEST_TIMEOUT. */
  request(subject: string, data: unknown, options?: RequestOptions): Promise<unknown>;
  respond(subject: string, handler: (data: unknown, message: BusMessage) => Promise<unknown>, options?: RespondOptions): Promise<Subscription>;
  close(): Promise<void>;
}
