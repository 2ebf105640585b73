import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createMemoryBus, readDeadLetters, type Bus, type BusMessage } from '../messaging/index.ts';
import { createSqliteStore, type Store } from '../persistence/index.ts';
import { coworkerDefinitionSchema, CoworkersError, PROTOCOL_VERSION, ephemeralSigner, subjects, trustingOnly, type CoworkerDefinition, type CoworkerEvent } from '../protocol/index.ts';
import { createFakeClock } from '../tests/fake-clock.ts';
import { scriptedApproval, waitFor } from '../tests/helpers.ts';
import { createCoworkerHost, type CoworkerHost, type TaskRunner } from './index.ts';

const MONDAY_10_UTC = Date.UTC(2026, 10, 23, 10, 0);
const HOUR = 3_600_000;
const logger = pino({ level: 'silent' });

function definition(id: string, overrides: Record<string, unknown> = {}): CoworkerDefinition {
  return coworkerDefinitionSchema.parse({
    id,
    name: id,
    role: 'Tester',
    team: 'qa',
    manager: { name: 'Mia', slack: 'UMIA', email: 'mia@example.com' },
    timezone: 'UTC',
    workingHours: { days: ['mon', 'tue', 'wed', 'thu', 'fri'], start: '09:00', end: '18:00' },
    approval: { deadline: '1h', escalation: ['remind', 'reject'] },
    ...overrides,
  });
}

const scripted: TaskRunner = async ({ task, notes, run }) => {
  if (task.text.startsWith('approve') && run === null) return { kind: 'approvalNeeded', requests: [scriptedApproval(task.id, `${task.id}.a`, task.text)], run: 'asked' };
  return { kind: 'done', summary: `finished ${task.text} after ${notes.length} notes` };
};

/** The operator's key: the one the host trusts for people's commands in these tests. */
const operator = ephemeralSigner();

let counter = 0;
function command(coworkerId: string, body: Record<string, unknown>) {
  const id = `c${++counter}`;
  return { v: PROTOCOL_VERSION, id, coworkerId, at: MONDAY_10_UTC, ...body };
}
function assign(coworkerId: string, text: string) {
  const c = command(coworkerId, {});
  return { ...c, type: 'task.assign', task: { id: c.id, text, source: 'person', requestedBy: 'UASKER', createdAt: MONDAY_10_UTC } };
}

const stops: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const stop of stops.splice(0).reverse()) await stop();
});

async function setup(options: { store?: Store; bus?: Bus; runTask?: TaskRunner; clock?: ReturnType<typeof createFakeClock>; definitions?: CoworkerDefinition[] } = {}) {
  const store = options.store ?? createSqliteStore({ path: ':memory:' });
  const bus = options.bus ?? createMemoryBus();
  const clock = options.clock ?? createFakeClock(MONDAY_10_UTC);
  const events: CoworkerEvent[] = [];
  const subscription = await bus.subscribe(subjects.allEvents, (message: BusMessage) => events.push(message.data as CoworkerEvent));
  const host: CoworkerHost = createCoworkerHost({
    definitions: options.definitions ?? [definition('ada'), definition('bo')],
    bus,
    store,
    clock,
    logger,
    runTask: options.runTask ?? scripted,
    trust: trustingOnly(operator),
  });
  await host.start();
  stops.push(async () => {
    await subscription.stop();
    await host.stop();
  });
  return { host, store, bus, clock, events };
}

describe('coworker host', () => {
  it('starts every coworker on duty in its working hours and stores its status', async () => {
    const { host, store } = await setup();
    expect(host.size).toBe(2);
    const listed = await store.listCoworkers();
    expect(listed.map((c) => [c.id, c.status?.state])).toEqual([
      ['ada', { status: 'idle', shift: 'onDuty' }],
      ['bo', { status: 'idle', shift: 'onDuty' }],
    ]);
  });

  it('runs an assigned task, reports to the manager and the asker, and stores every step', async () => {
    const { bus, store, events } = await setup();
    await bus.publish(subjects.command('task', 'ada'), assign('ada', 'tidy the CRM'), { msgId: 'm1' });
    await waitFor(async () => events.filter((e) => e.type === 'message').length === 2, 'the reports');
    const reports = events.filter((e) => e.type === 'message');
    expect(reports).toMatchObject([
      { coworkerId: 'ada', to: { kind: 'manager', id: 'UMIA' }, text: 'finished tidy the CRM after 0 notes' },
      { coworkerId: 'ada', to: { kind: 'user', id: 'UASKER' }, text: 'finished tidy the CRM after 0 notes' },
    ]);
    const states = events.filter((e) => e.type === 'state.changed' && e.coworkerId === 'ada').map((e) => e.type === 'state.changed' && e.status.state.status);
    expect(states).toContain('working');
    expect(states.at(-1)).toBe('idle');
    expect((await store.getCoworker('ada'))?.status?.state.status).toBe('idle');
    expect(new Set(events.map((e) => e.id)).size).toBe(events.length);
  });

  it('waits for approval across a restart, escalates on the persisted deadline, and decides once', async () => {
    const store = createSqliteStore({ path: ':memory:' });
    const bus = createMemoryBus();
    const clock = createFakeClock(MONDAY_10_UTC);
    const first = await setup({ store, bus, clock });
    await bus.publish(subjects.command('task', 'ada'), assign('ada', 'approve the refund'), { msgId: 'm1' });
    await waitFor(async () => first.host.status('ada')?.state.status === 'awaitingApproval', 'awaitingApproval');
    await first.host.stop();

    // A new host on the same store: same state; the deadline is re-armed from the snapshot.
    const runs: string[] = [];
    const second = await setup({ store, bus, clock, runTask: async (context) => (runs.push(context.task.text), scripted(context)) });
    expect(second.host.status('ada')).toMatchObject({ state: { status: 'awaitingApproval' }, deadline: MONDAY_10_UTC + HOUR });
    expect(runs).toEqual([]);
    clock.advance(HOUR);
    await waitFor(async () => second.events.some((e) => e.type === 'message' && e.text.startsWith('Reminder')), 'the reminder');

    const approvalId = (await store.getCoworker('ada'))!.status!.currentTaskId + '.a';
    const unsigned = command('ada', { type: 'approval.decide', approvalId, decision: 'approved', by: 'UMIA' });
    const decide = { ...unsigned, signature: operator.sign(unsigned) };
    await bus.publish(subjects.command('decision', 'ada'), decide, { msgId: decide.id });
    const replay = { ...unsigned, id: 'replay' };
    await bus.publish(subjects.command('decision', 'ada'), { ...replay, signature: operator.sign(replay) }, { msgId: 'replay' });
    await waitFor(async () => second.host.status('ada')?.state.status === 'idle', 'idle after the decision');
    await waitFor(async () => second.events.some((e) => e.type === 'decision.refused'), 'the replay refused');
    expect(runs).toEqual(['approve the refund']);
    const reports = second.events.filter((e) => e.type === 'message' && e.text.includes('after 1 notes'));
    expect(reports.map((e) => e.type === 'message' && e.to.id)).toEqual(['UMIA', 'UASKER']);
  });

  it('keeps a snapshot in memory while the store is away, and acknowledges only once it is stored', async () => {
    const real = createSqliteStore({ path: ':memory:' });
    let failures = 0;
    const flaky: Store = {
      ...real,
      saveSnapshot: async (...args) => {
        if (failures > 0) {
          failures--;
          throw new CoworkersError('STORE_UNAVAILABLE', 'store away', { retryable: true });
        }
        return real.saveSnapshot(...args);
      },
    };
    const { bus, host } = await setup({ store: flaky, runTask: () => new Promise(() => {}) });
    failures = 3;
    await bus.publish(subjects.command('task', 'bo'), assign('bo', 'slow job'), { msgId: 'm1' });
    await waitFor(async () => (await real.getCoworker('bo'))?.status?.state.status === 'working', 'the snapshot stored after retries', 10_000);
    expect(failures).toBe(0);
    expect(host.status('bo')?.currentTaskId).toBeDefined();
  });

  it('refuses a decision no trusted key signed, and one under a task subject, as dead letters, and audits the decision; the approval stays pending', async () => {
    const { bus, host, events } = await setup();
    await bus.publish(subjects.command('task', 'ada'), assign('ada', 'approve the refund'), { msgId: 'm1' });
    await waitFor(async () => host.status('ada')?.state.status === 'awaitingApproval', 'awaitingApproval');
    const approvalId = `${host.status('ada')!.currentTaskId}.a`;
    const forged = command('ada', { type: 'approval.decide', approvalId, decision: 'approved', by: 'UMIA' });
    await bus.publish(subjects.command('decision', 'ada'), { ...forged, signature: ephemeralSigner().sign(forged) }, { msgId: forged.id });
    const disguised = command('ada', { type: 'approval.decide', approvalId, decision: 'approved', by: 'UMIA' });
    await bus.publish(subjects.command('task', 'ada'), { ...disguised, signature: operator.sign(disguised) }, { msgId: disguised.id });
    await waitFor(async () => (await readDeadLetters(bus)).count === 2, 'two dead letters');
    const { deadLetters } = await readDeadLetters(bus);
    expect(deadLetters.map((letter) => letter.reason)).toEqual(['bad-signature', 'mismatch']);
    await waitFor(async () => events.filter((e) => e.type === 'audit' && e.entry.kind === 'approval.refused').length === 2, 'both refusals audited');
    expect(events.find((e) => e.type === 'audit' && e.entry.kind === 'approval.refused')).toMatchObject({ entry: { by: 'UMIA', approvalId, summary: expect.stringContaining('must be signed by a gateway') } });
    expect(host.status('ada')?.state.status).toBe('awaitingApproval');
    expect(events.some((e) => e.type === 'approval.decided')).toBe(false);
  });

  it('sets a malformed command aside as a dead letter and goes on with the next', async () => {
    const { bus, events } = await setup();
    await bus.publish(subjects.command('task', 'ada'), { nonsense: true }, { msgId: 'bad' });
    await bus.publish(subjects.command('task', 'ada'), assign('ada', 'still works'), { msgId: 'good' });
    await waitFor(async () => events.some((e) => e.type === 'message' && e.text.includes('still works')), 'the next command');
    const { deadLetters } = await readDeadLetters(bus);
    expect(deadLetters).toEqual([expect.objectContaining({ reason: 'malformed', subject: subjects.command('task', 'ada'), payload: { nonsense: true }, detail: expect.stringContaining('type') })]);
  });

  it('stops writing a coworker that another host wrote (version conflict)', async () => {
    const store = createSqliteStore({ path: ':memory:' });
    const one = await setup({ store, runTask: () => new Promise(() => {}) });
    const two = await setup({ store, runTask: () => new Promise(() => {}) });
    await two.bus.publish(subjects.command('task', 'ada'), assign('ada', 'from two'), { msgId: 'm2' });
    await waitFor(async () => (await store.getCoworker('ada'))?.status?.state.status === 'working', 'two writes');
    const version = (await store.getCoworker('ada'))!.version;
    await one.bus.publish(subjects.command('task', 'ada'), assign('ada', 'from one'), { msgId: 'm1' });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect((await store.getCoworker('ada'))!.version).toBe(version);
  });
});

describe('coworker host restore', () => {
  it('writes nothing when it restores coworkers whose state did not change', async () => {
    const store = createSqliteStore({ path: ':memory:' });
    const first = await setup({ store });
    await first.host.stop();
    const before = (await store.loadCoworkers()).map((record) => record.version);
    const second = await setup({ store });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect((await store.loadCoworkers()).map((record) => record.version)).toEqual(before);
    // Only the last write's events go out again (at least once, same ids), nothing new.
    const firstIds = new Set(first.events.map((event) => event.id));
    expect(second.events.length).toBeGreaterThan(0);
    expect(second.events.filter((event) => !firstIds.has(event.id))).toEqual([]);
  });
});
