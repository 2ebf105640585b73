// The console's view of the bus: every coworker event, once (events are republished after a
// restore, so ids are remembered), kept in small per-coworker rings for the coworker page and
// handed to the live streams. Every buffer here is bounded.
import type { Logger } from 'pino';
import type { Bus, Subscription } from '../../messaging/index.ts';
import { coworkerEventSchema, subjects, type CoworkerEvent } from '../../protocol/index.ts';

const TRANSITIONS_KEPT = 50;
const MESSAGES_KEPT = 100;
const EVENT_IDS_REMEMBERED = 5_000;
const COWORKERS_KEPT = 5_000;

export interface Transition {
  at: number;
  from: string | null;
  to: string;
}

export interface RecentMessage {
  at: number;
  to: { kind: string; id: string };
  text: string;
  taskId?: string;
}

export interface LiveFeed {
  /** Newest first. */
  transitions(coworkerId: string): Transition[];
  /** Newest last. */
  messages(coworkerId: string): RecentMessage[];
  /** Calls the listener with every new event until the returned function is called. */
  listen(listener: (event: CoworkerEvent) => void): () => void;
  stop(): Promise<void>;
}

interface Recent {
  transitions: Transition[];
  messages: RecentMessage[];
}

export async function startLiveFeed(bus: Bus, logger: Logger): Promise<LiveFeed> {
  const recent = new Map<string, Recent>();
  const seen = new Set<string>();
  const listeners = new Set<(event: CoworkerEvent) => void>();

  const recentOf = (coworkerId: string): Recent => {
    let entry = recent.get(coworkerId);
    if (!entry) {
      entry = { transitions: [], messages: [] };
      recent.set(coworkerId, entry);
      if (recent.size > COWORKERS_KEPT) recent.delete(recent.keys().next().value!);
    }
    return entry;
  };

  const keep = (event: CoworkerEvent) => {
    if (event.type === 'state.changed') {
      const { transitions } = recentOf(event.coworkerId);
      // One entry per region that moved; a change of the backlog alone moves none.
      const now = event.status.state;
      const before = event.previous;
      if (!before || before.status !== now.status) transitions.unshift({ at: event.at, from: before?.status ?? null, to: now.status });
      if (!before || before.shift !== now.shift) transitions.unshift({ at: event.at, from: before?.shift ?? null, to: now.shift });
      transitions.splice(TRANSITIONS_KEPT);
    } else if (event.type === 'message') {
      const { messages } = recentOf(event.coworkerId);
      messages.push({ at: event.at, to: event.to, text: event.text, ...(event.taskId ? { taskId: event.taskId } : {}) });
      messages.splice(0, messages.length - MESSAGES_KEPT);
    }
  };

  const subscription: Subscription = await bus.subscribe(subjects.allEvents, (message) => {
    const parsed = coworkerEventSchema.safeParse(message.data);
    if (!parsed.success) {
      logger.warn({ subject: message.subject }, 'console ignored an event it cannot read');
      return;
    }
    const event = parsed.data;
    if (seen.has(event.id)) return;
    seen.add(event.id);
    if (seen.size > EVENT_IDS_REMEMBERED) seen.delete(seen.values().next().value!);
    keep(event);
    for (const listener of listeners) listener(event);
  });

  return {
    transitions: (coworkerId) => [...(recent.get(coworkerId)?.transitions ?? [])],
    messages: (coworkerId) => [...(recent.get(coworkerId)?.messages ?? [])],
    listen(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    stop: () => subscription.stop(),
  };
}
