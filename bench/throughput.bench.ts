// Commands per second through the whole path (bus in, transition, snapshot stored, event out),
// and the raw publish-with-ack rate of the same bus to compare with.
import { randomUUID } from 'node:crypto';
import { createCoworkerHost } from '../actors/index.ts';
import type { Bus } from '../messaging/index.ts';
import type { Store } from '../persistence/index.ts';
import { PROTOCOL_VERSION, subjects, type CoworkerEvent } from '../protocol/index.ts';
import { idleRunner, manyDefinitions, quietLogger, saturdayClock, benchTrust } from './fixtures.ts';

/** Publishes `count` messages with at most `window` awaiting their acks. */
async function publishWindowed(count: number, window: number, publish: (index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < count) await publish(next++);
  };
  await Promise.all(Array.from({ length: window }, lane));
}

export async function rawPublishRate(bus: Bus, count: number, window: number): Promise<number> {
  const start = performance.now();
  await publishWindowed(count, window, (index) => bus.publish('evt.raw.bench', { index }, { msgId: randomUUID() }));
  return count / ((performance.now() - start) / 1000);
}

/**
 * `bus` carries the runtime; `sender` publishes the commands, as a gateway or the CLI would from
 * their own connection (it may be the same bus).
 */
export async function commandRate(options: { bus: Bus; sender: Bus; store: Store; coworkers: number; commands: number; window: number }) {
  const { bus, store } = options;
  const host = createCoworkerHost({ definitions: manyDefinitions(options.coworkers), bus, store, runTask: idleRunner, logger: quietLogger, trust: benchTrust, clock: saturdayClock(), concurrency: 16 });
  await host.start();
  const rate = await commandsIn(options);
  await host.stop();
  return rate;
}

/** Sends `commands` task assignments to the coworkers of manyDefinitions(coworkers); the rate at which they are all queued, as their events say. */
export async function commandsIn(options: { sender: Bus; coworkers: number; commands: number; window: number }): Promise<number> {
  const { sender } = options;
  const backlogs = new Map<string, number>();
  let queued = 0;
  let finished: () => void;
  const allOut = new Promise<void>((resolve) => (finished = resolve));
  const events = await sender.subscribe(subjects.allEvents, (message) => {
    const event = message.data as CoworkerEvent;
    if (event.type !== 'state.changed') return;
    queued += event.status.backlog - (backlogs.get(event.coworkerId) ?? 0);
    backlogs.set(event.coworkerId, event.status.backlog);
    if (queued >= options.commands) finished();
  });

  const start = performance.now();
  await publishWindowed(options.commands, options.window, async (index) => {
    const coworkerId = `bench-${index % options.coworkers}`;
    const id = randomUUID();
    const command = { v: PROTOCOL_VERSION, id, coworkerId, at: Date.now(), type: 'task.assign', task: { id, text: `task ${index}`, source: 'person', requestedBy: 'UBENCH', createdAt: Date.now() } };
    await sender.publish(subjects.command('task', coworkerId), command, { msgId: id });
  });
  await allOut;
  const rate = options.commands / ((performance.now() - start) / 1000);
  await events.stop();
  return rate;
}
