// Which of several runtime processes hosts the coworkers: the one holding a JetStream KV entry
// that expires unless renewed. The others stand by and take over when it stops renewing (a
// crash, a partition) or gives it up (a clean shutdown). Snapshot writes are compare-and-set, so
// a leader that lost the entry without noticing yet cannot overwrite its successor's work.
import { Kvm, type KV } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Logger } from 'pino';
import { DEFAULT_SUBJECT_PREFIX } from '../protocol/index.ts';
import { streamNameFor } from './nats.stream.ts';

const KEY = 'runtime';
const DEFAULT_TTL_MS = 5_000;

export interface Leadership {
  /** Runs `lead` whenever this process becomes the leader and `stepDown` when it stops being one. */
  start(handlers: { lead: () => Promise<void>; stepDown: () => Promise<void> }): Promise<void>;
  /** Stops trying; a leader steps down and gives the entry up so a standby takes over at once. */
  stop(): Promise<void>;
}

export interface LeadershipOptions {
  connection: NatsConnection;
  /** One leader per subject prefix: runtimes of the same deployment compete, others do not. */
  prefix?: string;
  /** Who holds it, for people reading the bucket, e.g. "host:pid". */
  holder: string;
  /** An entry not renewed for this long expires; a standby takes over within about this time. */
  ttlMs?: number;
  logger: Logger;
}

export function createLeadership(options: LeadershipOptions): Leadership {
  const ttlMs = options.ttlMs ?? DEFAULT_TTL_MS;
  const bucket = `leaders_${streamNameFor(options.prefix ?? DEFAULT_SUBJECT_PREFIX)}`;
  const logger = options.logger.child({ component: 'leadership', bucket, holder: options.holder });
  let kv: KV | null = null;
  let revision: number | null = null;
  let timer: NodeJS.Timeout | null = null;
  let ticking: Promise<void> | null = null;
  let handlers: { lead: () => Promise<void>; stepDown: () => Promise<void> } | null = null;
  // Transitions run one after another: a step-down waits for a lead that is still starting.
  let transitions: Promise<void> = Promise.resolve();

  function transition(run: () => Promise<void>): void {
    transitions = transitions.then(run).catch((error: unknown) => logger.error({ err: error }, 'leadership transition failed'));
  }

  async function tick(): Promise<void> {
    if (!kv || !handlers) return;
    const { lead, stepDown } = handlers;
    if (revision === null) {
      try {
        revision = await kv.create(KEY, options.holder);
      } catch {
        return; // another runtime leads; try again next tick
      }
      logger.info('leading: this runtime hosts the coworkers');
      transition(lead);
      return;
    }
    try {
      revision = await kv.update(KEY, options.holder, revision);
    } catch (error) {
      revision = null;
      logger.warn({ err: error }, 'lost the leadership: standing by');
      transition(stepDown);
    }
  }

  return {
    async start(given) {
      handlers = given;
      kv = await new Kvm(options.connection).create(bucket, { ttl: ttlMs, history: 1 });
      await tick();
      timer = setInterval(() => {
        ticking ??= tick().finally(() => (ticking = null));
      }, ttlMs / 3);
      await transitions;
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = null;
      await ticking;
      const held = revision;
      revision = null;
      if (held !== null && handlers) {
        transition(handlers.stepDown);
        await transitions;
        await kv?.delete(KEY, { previousSeq: held }).catch((error: unknown) => logger.warn({ err: error }, 'could not give up the leadership; it expires on its own'));
      }
      await transitions;
      handlers = null;
    },
  };
}
