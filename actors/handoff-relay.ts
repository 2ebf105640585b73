// The handoff relay: carries handoffs between coworkers. A sender's `handoff.offered` event
// becomes a `handoff.offer` command to the receiver; the receiver's `handoff.answered` event
// becomes a `handoff.answer` command to the sender. Both events leave in the outbox of the
// snapshot write that decided them, and the relay is a durable consumer, so nothing is lost;
// command ids come from the task id, so a redelivery is dropped by the bus (and by the machines).
// Each command is signed with the runtime's key: only a runtime may offer or answer a handoff.
import type { Logger } from 'pino';
import type { Bus, BusMessage, Subscription } from '../messaging/index.ts';
import { PROTOCOL_VERSION, commandSchema, coworkerEventSchema, subjects, type Command, type Signer } from '../protocol/index.ts';

/** Every coworker's handoff events: `evt.<coworker>.handoff.<offered|answered|refused>`. */
const HANDOFF_EVENTS = 'evt.*.handoff.*';
const CONCURRENCY = 16;

export interface HandoffRelayOptions {
  bus: Bus;
  logger: Logger;
  /** The runtime's key, which the receiving runtime trusts for handoffs. */
  signer: Signer;
}

export interface HandoffRelay {
  start(): Promise<void>;
  stop(): Promise<void>;
}

export function createHandoffRelay(options: HandoffRelayOptions): HandoffRelay {
  const { bus } = options;
  const logger = options.logger.child({ component: 'handoff-relay' });
  let subscription: Subscription | null = null;

  function send(command: Command): Promise<void> {
    const parsed = commandSchema.parse(command);
    return bus.publish(subjects.commandFor(parsed), { ...parsed, signature: options.signer.sign(parsed) }, { msgId: command.id });
  }

  async function relay(message: BusMessage): Promise<void> {
    const parsed = coworkerEventSchema.safeParse(message.data);
    if (!parsed.success) {
      // Retrying cannot fix a malformed event: log it whole so nothing is silently lost.
      logger.error({ subject: message.subject, payload: message.data, issues: parsed.error.issues }, 'malformed handoff event dropped');
      return;
    }
    const event = parsed.data;
    const base = { v: PROTOCOL_VERSION, at: event.at } as const;
    // A failed publish fails the handler: the event comes back and is relayed with the same id.
    if (event.type === 'handoff.offered') {
      await send({ ...base, id: `handoff-offer:${event.task.id}`, coworkerId: event.to.id, type: 'handoff.offer', task: event.task });
    } else if (event.type === 'handoff.answered') {
      const { to, originTaskId, taskId, outcome, reason } = event;
      await send({ ...base, id: `handoff-answer:${taskId}`, coworkerId: to, type: 'handoff.answer', originTaskId, taskId, outcome, by: event.coworkerId, ...(reason ? { reason } : {}) });
    }
    logger.debug({ type: event.type, coworker: event.coworkerId }, 'handoff event relayed');
  }

  return {
    async start() {
      subscription = await bus.consume(HANDOFF_EVENTS, relay, { durable: 'handoffs', concurrency: CONCURRENCY });
    },
    async stop() {
      await subscription?.stop();
      subscription = null;
    },
  };
}
