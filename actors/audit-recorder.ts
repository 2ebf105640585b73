// Stores the audit trail: every coworker's `audit` events, from the bus into the store. The
// event id is the entry id, so a redelivered or republished event is stored once. The secrets the
// process knows are replaced by their names before an entry is stored.
import type { Logger } from 'pino';
import type { Bus, Subscription } from '../messaging/index.ts';
import type { Store } from '../persistence/index.ts';
import { coworkerEventSchema, subjects } from '../protocol/index.ts';
import { noScrubber, type Scrubber } from '../protocol/scrubber.ts';

export function createAuditRecorder(options: { bus: Bus; store: Store; logger: Logger; scrubber?: Scrubber }): { start(): Promise<void>; stop(): Promise<void> } {
  let subscription: Subscription | null = null;
  const { scrub } = options.scrubber ?? noScrubber;
  return {
    async start() {
      subscription = await options.bus.consume(
        subjects.allAudit,
        async (message) => {
          const parsed = coworkerEventSchema.safeParse(message.data);
          if (!parsed.success || parsed.data.type !== 'audit') {
            options.logger.error({ subject: message.subject, payload: scrub(message.data) }, 'malformed audit event dropped');
            return;
          }
          const { id, coworkerId, at, entry } = parsed.data;
          // A store error throws: the event comes back and is stored later, nothing is lost.
          await options.store.appendAudit([scrub({ id, coworkerId, at, ...entry })]);
        },
        { durable: 'audit', concurrency: 16 },
      );
    },
    async stop() {
      await subscription?.stop();
    },
  };
}
