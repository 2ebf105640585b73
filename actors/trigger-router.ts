// The trigger router: turns connector events (`trg.<event>`) into tasks for every coworker job
// whose triggers match them. Runtimes share one durable consumer, so each event is routed once;
// a redelivered event yields the same task ids, which the bus and the statechart drop.
import type { Logger } from 'pino';
import type { Bus, BusMessage, Subscription } from '../messaging/index.ts';
import { PROTOCOL_VERSION, commandSchema, subjects, triggerEventSchema, type CoworkerDefinition, type JobDefinition, type TriggerEvent } from '../protocol/index.ts';

const CONCURRENCY = 16;

export interface TriggerRouterOptions {
  definitions: CoworkerDefinition[];
  bus: Bus;
  logger: Logger;
}

export interface TriggerRouter {
  start(): Promise<void>;
  stop(): Promise<void>;
}

interface TriggeredJob {
  coworker: CoworkerDefinition;
  job: JobDefinition;
  /** The `where` clauses of this job's triggers on one event; any one that matches starts a run. */
  conditions: Array<Record<string, string | number | boolean>>;
}

export function triggeredTaskId(eventId: string, coworkerId: string, jobId: string): string {
  return `trigger:${eventId}:${coworkerId}:${jobId}`;
}

/** The value at a dotted path ("deal.stage") in the event data; own properties only. */
function valueAt(data: Record<string, unknown>, path: string): unknown {
  let value: unknown = data;
  for (const key of path.split('.')) {
    if (typeof value !== 'object' || value === null || !Object.hasOwn(value, key)) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

function matches(where: Record<string, string | number | boolean>, data: Record<string, unknown>): boolean {
  return Object.entries(where).every(([path, expected]) => valueAt(data, path) === expected);
}

/** Event name → the jobs it may start, built once. */
function indexByEvent(definitions: CoworkerDefinition[]): Map<string, TriggeredJob[]> {
  const byEvent = new Map<string, TriggeredJob[]>();
  for (const coworker of definitions) {
    for (const job of coworker.jobs) {
      const events = new Map<string, TriggeredJob>();
      for (const trigger of job.triggers ?? []) {
        let entry = events.get(trigger.event);
        if (!entry) {
          entry = { coworker, job, conditions: [] };
          events.set(trigger.event, entry);
          byEvent.set(trigger.event, [...(byEvent.get(trigger.event) ?? []), entry]);
        }
        entry.conditions.push(trigger.where ?? {});
      }
    }
  }
  return byEvent;
}

export function createTriggerRouter(options: TriggerRouterOptions): TriggerRouter {
  const { bus } = options;
  const logger = options.logger.child({ component: 'trigger-router' });
  const byEvent = indexByEvent(options.definitions);
  let subscription: Subscription | null = null;

  function assign({ coworker, job }: TriggeredJob, event: TriggerEvent): Promise<void> {
    const id = triggeredTaskId(event.id, coworker.id, job.id);
    const task = {
      id,
      text: job.instructions,
      source: 'trigger',
      requestedBy: `trigger:${event.event}`,
      jobId: job.id,
      createdAt: event.at,
      ...(job.outsideWorkingHours ? { anyTime: true } : {}),
      trigger: { id: event.id, event: event.event, data: event.data },
    };
    const command = commandSchema.parse({ v: PROTOCOL_VERSION, id, coworkerId: coworker.id, at: event.at, type: 'task.assign', task });
    return bus.publish(subjects.command('task', coworker.id), command, { msgId: id });
  }

  async function route(message: BusMessage): Promise<void> {
    const parsed = triggerEventSchema.safeParse(message.data);
    if (!parsed.success) {
      // Retrying cannot fix a malformed event: log it whole so nothing is silently lost.
      logger.error({ subject: message.subject, payload: message.data, issues: parsed.error.issues }, 'malformed trigger event dropped');
      return;
    }
    const event = parsed.data;
    const matched = (byEvent.get(event.event) ?? []).filter((entry) => entry.conditions.some((where) => matches(where, event.data)));
    // A failed publish fails the handler: the event comes back, and the tasks already assigned
    // are assigned again with the same ids, which the bus drops.
    await Promise.all(matched.map((entry) => assign(entry, event)));
    logger.debug({ event: event.event, eventId: event.id, tasks: matched.length }, 'trigger event routed');
  }

  return {
    async start() {
      subscription = await bus.consume(subjects.allTriggers, route, { durable: 'triggers', concurrency: CONCURRENCY });
    },
    async stop() {
      await subscription?.stop();
      subscription = null;
    },
  };
}
