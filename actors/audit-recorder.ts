// Stores the audit trail: every coworker's `audit` events, from the bus into the store. The
// event id is the entry id, so a redelivered or republished event is stored once.
import type { Logger } from 'pino';
import type { Bus, Subscription } from '../messaging/index.ts';
import type { Store } from '../persistence/index.ts';
import { coworkerEventSchema, subjects } from '../protocol/index.ts';

export function createAuditRecorder(options: { bus: Bus; store: Store; logger: Logger }): { start(): Promise<void>; stop(): Promise<void> } {
  let subscription: Subscription | null = null;
  return {
    async start() {
      subscription = await options.bus.consume(
        subjects.allAudit,
        async (message) => {
          const parsed = coworkerEventSchema.safeParse(message.data);
          if (!parsed.success || parsed.data.type !== 'audit') {
            options.logger.error({ subject: message.subject, payload: message.data }, 'malformed audit event dropped');
            return;
          }
          const { id, coworkerId, at, entry } = parsed.data;
          // A store error throws: the event comes back and is stored later, nothing is lost.
          await options.store.appendAudit([{ id, coworkerId, at, ...entry }]);
        },
        { durable: 'audit', concurrency: 16 },
      );
    },
    async stop() {
      await subscription?.stop();
    },
  };
}
