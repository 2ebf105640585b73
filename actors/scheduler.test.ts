import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createMemoryBus, type Bus } from '../messaging/index.ts';
import type { ScheduleFire, Store } from '../persistence/index.ts';
import { commandSchema, coworkerDefinitionSchema, subjects, type Command, type CoworkerDefinition } from '../protocol/index.ts';
import { createFakeClock, type FakeClock } from '../tests/fake-clock.ts';
import { createScheduler, type Scheduler } from './scheduler.ts';

const SECOND = 1_000;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const MONDAY_00_UTC = Date.UTC(2026, 10, 23);
const WEEKDAYS_9_TO_18 = { days: ['mon', 'tue', 'wed', 'thu', 'fri'], start: '09:00', end: '18:00' };
const AROUND_THE_CLOCK = { days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'], start: '00:00', end: '00:00' };

function coworker(job: Record<string, unknown>, overrides: Record<string, unknown> = {}): CoworkerDefinition {
  return coworkerDefinitionSchema.parse({
    id: 'ada',
    name: 'Ada',
    role: 'Reporter',
    team: 'ops',
    manager: { name: 'Mia', slack: 'UMIA', email: 'mia@example.com' },
    timezone: 'UTC',
    workingHours: AROUND_THE_CLOCK,
    jobs: [{ id: 'report', instructions: 'Write the report', ...job }],
    ...overrides,
  });
}

/** A bus that only records publishes (in order), and a store that only keeps fires. */
function fakes(lastFire: number | null = null) {
  const published: Array<{ subject: string; command: Command; msgId: string }> = [];
  const fires: ScheduleFire[] = [];
  const bus = {
    publish: async (subject: string, data: unknown, { msgId }: { msgId: string }) => void published.push({ subject, command: commandSchema.parse(data), msgId }),
  } as unknown as Bus;
  const store = {
    recordFire: async (fire: ScheduleFire) => (fires.push(fire), true),
    lastFire: async () => lastFire,
  } as unknown as Store;
  return { bus, store, published, fires };
}

const logLines: Array<Record<string, unknown>> = [];
const logger = pino({ level: 'debug' }, { write: (line: string) => void logLines.push(JSON.parse(line) as Record<string, unknown>) });

const running: Scheduler[] = [];
afterEach(async () => {
  for (const scheduler of running.splice(0)) await scheduler.stop();
  logLines.length = 0;
});

/** Lets the fires' publishes and records settle. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

async function start(options: { definitions: CoworkerDefinition[]; clock: FakeClock; bus: Bus; store: Store; runtimeId?: string }) {
  const scheduler = createScheduler({ logger, runtimeId: 'runtime-a', ...options });
  running.push(scheduler);
  await scheduler.start();
  await settle();
  return scheduler;
}

async function advance(clock: FakeClock, ms: number) {
  clock.advance(ms);
  await settle();
}

const iso = (at: number) => new Date(at).toISOString();
const taskTimes = (published: Array<{ command: Command }>) =>
  published.map(({ command }) => (command.type === 'task.assign' ? iso(command.task.createdAt) : command.type));

describe('the scheduler', () => {
  it('assigns one task per scheduled time, with the same id as command, task and msgId, and records the fire', async () => {
    const clock = createFakeClock(MONDAY_00_UTC);
    const { bus, store, published, fires } = fakes();
    await start({ definitions: [coworker({ schedule: '0 8 * * *' })], clock, bus, store });
    await advance(clock, 3 * DAY);

    expect(taskTimes(published)).toEqual(['2026-11-23T08:00:00.000Z', '2026-11-24T08:00:00.000Z', '2026-11-25T08:00:00.000Z']);
    const first = Date.UTC(2026, 10, 23, 8);
    const id = `schedule:ada:report:${first}`;
    expect(published[0]).toEqual({
      subject: subjects.command('task', 'ada'),
      msgId: id,
      command: {
        v: 1,
        id,
        coworkerId: 'ada',
        at: first,
        type: 'task.assign',
        task: { id, text: 'Write the report', source: 'schedule', requestedBy: 'schedule', jobId: 'report', createdAt: first },
      },
    });
    expect(fires[0]).toEqual({ coworkerId: 'ada', jobId: 'report', fireAt: first, recordedBy: 'runtime-a' });
    expect(fires).toHaveLength(3);
  });

  it('skips times when the coworker is off duty, unless the job runs outside working hours', async () => {
    const clock = createFakeClock(MONDAY_00_UTC);
    const { bus, store, published } = fakes();
    const definitions = [
      coworker({ schedule: '0 * * * *' }, { id: 'ada', workingHours: WEEKDAYS_9_TO_18 }),
      coworker({ schedule: '0 * * * *', outsideWorkingHours: true }, { id: 'bo', workingHours: WEEKDAYS_9_TO_18 }),
    ];
    await start({ definitions, clock, bus, store });
    await advance(clock, DAY);

    const hoursOf = (id: string) => published.filter((p) => p.command.coworkerId === id).map((p) => new Date(p.command.at).getUTCHours());
    expect(hoursOf('ada')).toEqual([9, 10, 11, 12, 13, 14, 15, 16, 17]);
    expect(hoursOf('bo')).toHaveLength(24);
    const anyTime = (id: string) => published.filter((p) => p.command.coworkerId === id).map((p) => p.command.type === 'task.assign' && p.command.task.anyTime);
    expect(new Set(anyTime('ada'))).toEqual(new Set([undefined]));
    expect(new Set(anyTime('bo'))).toEqual(new Set([true]));
    expect(logLines.some((line) => line.msg === 'off duty: scheduled run skipped')).toBe(true);
  });

  it('fires a six-field cron every second', async () => {
    const clock = createFakeClock(MONDAY_00_UTC + 500);
    const { bus, store, published } = fakes();
    await start({ definitions: [coworker({ schedule: '* * * * * *' })], clock, bus, store });
    await advance(clock, 5 * SECOND);
    expect(published.map((p) => p.command.at - MONDAY_00_UTC)).toEqual([1_000, 2_000, 3_000, 4_000, 5_000]);
  });

  it('stops firing once stopped', async () => {
    const clock = createFakeClock(MONDAY_00_UTC);
    const { bus, store, published } = fakes();
    const scheduler = await start({ definitions: [coworker({ schedule: '0 * * * *' })], clock, bus, store });
    await advance(clock, 2 * HOUR);
    await scheduler.stop();
    await advance(clock, 2 * HOUR);
    expect(published).toHaveLength(2);
  });

  it('keeps its timer going when a publish fails, and logs the fire it could not assign', async () => {
    const clock = createFakeClock(MONDAY_00_UTC);
    const { bus, store, published } = fakes();
    const publish = bus.publish.bind(bus);
    let failures = 1;
    bus.publish = async (...args) => (failures-- > 0 ? Promise.reject(new Error('bus away')) : publish(...args));
    await start({ definitions: [coworker({ schedule: '0 * * * *' })], clock, bus, store });
    await advance(clock, 2 * HOUR);
    expect(taskTimes(published)).toEqual(['2026-11-23T02:00:00.000Z']);
    expect(logLines.find((line) => line.msg?.toString().startsWith('scheduled run not assigned'))).toMatchObject({ fireAt: Date.UTC(2026, 10, 23, 1) });
  });

  it('publishes each fire once when several runtimes fire the same job on one bus', async () => {
    const clock = createFakeClock(MONDAY_00_UTC);
    const bus = createMemoryBus();
    const received: string[] = [];
    const subscription = await bus.consume(subjects.allCommands, async (message) => void received.push((message.data as Command).id), { durable: 'runtime' });
    const definitions = [coworker({ schedule: '*/10 * * * *' })];
    for (const runtimeId of ['runtime-a', 'runtime-b', 'runtime-c']) await start({ definitions, clock, bus, store: fakes().store, runtimeId });
    await advance(clock, HOUR);
    await new Promise((resolve) => setTimeout(resolve, 50));
    await subscription.stop();
    await bus.close();
    expect(received).toHaveLength(6);
    expect(new Set(received).size).toBe(6);
  });
});

describe('missed runs at start-up', () => {
  const now = Date.UTC(2026, 10, 23, 12, 30); // Monday
  const lastFire = Date.UTC(2026, 10, 23, 9);

  it('catchUp assigns one task, for the latest scheduled time missed since the last fire', async () => {
    const { bus, store, published } = fakes(lastFire);
    await start({ definitions: [coworker({ schedule: '0 * * * *', missedRuns: 'catchUp' })], clock: createFakeClock(now), bus, store });
    expect(published.map((p) => p.msgId)).toEqual([`schedule:ada:report:${Date.UTC(2026, 10, 23, 12)}`]);
  });

  it('catchUp includes a time that falls exactly on the start (the timer covers only later ones)', async () => {
    const { bus, store, published } = fakes(lastFire);
    const onTheHour = Date.UTC(2026, 10, 23, 13);
    const clock = createFakeClock(onTheHour);
    await start({ definitions: [coworker({ schedule: '0 * * * *', missedRuns: 'catchUp' })], clock, bus, store });
    await advance(clock, HOUR);
    expect(taskTimes(published)).toEqual(['2026-11-23T13:00:00.000Z', '2026-11-23T14:00:00.000Z']);
  });

  it('catchUp skips missed times when the coworker was off duty and takes the latest on-duty one', async () => {
    const { bus, store, published } = fakes(lastFire);
    const definitions = [coworker({ schedule: '0 * * * *', missedRuns: 'catchUp' }, { workingHours: WEEKDAYS_9_TO_18 })];
    await start({ definitions, clock: createFakeClock(Date.UTC(2026, 10, 23, 21, 30)), bus, store });
    expect(taskTimes(published)).toEqual(['2026-11-23T17:00:00.000Z']);
  });

  it('skip assigns nothing and says so', async () => {
    const { bus, store, published } = fakes(lastFire);
    await start({ definitions: [coworker({ schedule: '0 * * * *', missedRuns: 'skip' })], clock: createFakeClock(now), bus, store });
    expect(published).toEqual([]);
    expect(logLines.find((line) => line.level === 30 && line.job === 'report')).toMatchObject({ missed: Date.UTC(2026, 10, 23, 12) });
  });

  it('catches up nothing for a job that never fired, or one that missed nothing', async () => {
    for (const last of [null, Date.UTC(2026, 10, 23, 12)]) {
      const { bus, store, published } = fakes(last);
      await start({ definitions: [coworker({ schedule: '0 * * * *', missedRuns: 'catchUp' })], clock: createFakeClock(now), bus, store });
      expect(published).toEqual([]);
    }
  });

  it('treats a timer that fires long after its time (the process slept) as missed runs', async () => {
    const fake = createFakeClock(MONDAY_00_UTC);
    let slept = 0;
    const clock = { ...fake, now: () => fake.now() + slept };
    const catchUp = fakes();
    const skip = fakes();
    await start({ definitions: [coworker({ schedule: '*/10 * * * *', missedRuns: 'catchUp' })], clock, bus: catchUp.bus, store: catchUp.store });
    await start({ definitions: [coworker({ schedule: '*/10 * * * *', missedRuns: 'skip' })], clock, bus: skip.bus, store: skip.store });
    slept = 3 * HOUR;
    await advance(fake, 10 * 60_000);
    expect(taskTimes(catchUp.published)).toEqual(['2026-11-23T03:10:00.000Z']);
    expect(skip.published).toEqual([]);
  });
});

describe('daylight saving', () => {
  /** Scheduled times of a job over a few days, in UTC. */
  async function firesOver(schedule: string, timezone: string, from: number, days: number): Promise<string[]> {
    const clock = createFakeClock(from);
    const { bus, store, published } = fakes();
    await start({ definitions: [coworker({ schedule }, { timezone })], clock, bus, store });
    await advance(clock, days * DAY);
    return taskTimes(published);
  }

  it('Berlin, spring forward (2026-03-29): 02:30 does not exist and fires once, at 03:00 CEST; 08:00 fires once', async () => {
    const from = Date.UTC(2026, 2, 28);
    expect(await firesOver('30 2 * * *', 'Europe/Berlin', from, 3)).toEqual(['2026-03-28T01:30:00.000Z', '2026-03-29T01:00:00.000Z', '2026-03-30T00:30:00.000Z']);
    expect(await firesOver('0 8 * * *', 'Europe/Berlin', from, 3)).toEqual(['2026-03-28T07:00:00.000Z', '2026-03-29T06:00:00.000Z', '2026-03-30T06:00:00.000Z']);
  });

  it('Berlin, fall back (2026-10-25): 02:30 happens twice and fires once, the first time; 08:00 fires once', async () => {
    const from = Date.UTC(2026, 9, 24);
    expect(await firesOver('30 2 * * *', 'Europe/Berlin', from, 3)).toEqual(['2026-10-24T00:30:00.000Z', '2026-10-25T00:30:00.000Z', '2026-10-26T01:30:00.000Z']);
    expect(await firesOver('0 8 * * *', 'Europe/Berlin', from, 3)).toEqual(['2026-10-24T06:00:00.000Z', '2026-10-25T07:00:00.000Z', '2026-10-26T07:00:00.000Z']);
  });

  it('Berlin, fall back: a cron with a wildcard hour fires in both passes of the repeated hour', async () => {
    // 02:00 and 02:30 CEST, then 02:00 and 02:30 CET: every 30 minutes of real time.
    expect(await firesOver('*/30 * * * *', 'Europe/Berlin', Date.UTC(2026, 9, 24, 23, 45), 2 / 24)).toEqual([
      '2026-10-25T00:00:00.000Z',
      '2026-10-25T00:30:00.000Z',
      '2026-10-25T01:00:00.000Z',
      '2026-10-25T01:30:00.000Z',
    ]);
  });

  it('New York, spring forward (2026-03-08) and fall back (2026-11-01): each daily time fires once', async () => {
    expect(await firesOver('30 2 * * *', 'America/New_York', Date.UTC(2026, 2, 7, 12), 2)).toEqual(['2026-03-08T07:00:00.000Z', '2026-03-09T06:30:00.000Z']);
    expect(await firesOver('30 1 * * *', 'America/New_York', Date.UTC(2026, 9, 31, 12), 2)).toEqual(['2026-11-01T05:30:00.000Z', '2026-11-02T06:30:00.000Z']);
  });
});
