// Coworker events reach the gateway at least once (a runtime republishes its last events after a
// restart): each is handled once, and marked only when handled, so a failure gets its retry.
import type { BusMessage } from '../../messaging/index.ts';
import { coworkerEventSchema, type CoworkerEvent } from '../../protocol/index.ts';

const REMEMBERED = 10_000;

export function createSeenEvents() {
  const seen = new Set<string>();
  return {
    async once(message: BusMessage, handle: (event: CoworkerEvent) => Promise<void>): Promise<void> {
      const parsed = coworkerEventSchema.safeParse(message.data);
      if (!parsed.success || seen.has(parsed.data.id)) return;
      await handle(parsed.data);
      seen.add(parsed.data.id);
      if (seen.size > REMEMBERED) seen.delete(seen.values().next().value!);
    },
  };
}
