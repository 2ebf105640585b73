// Snapshots stored by an earlier release restore (the committed fixtures), and one that cannot be
// restored leaves only its coworker in "needs attention" while the others run.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { randomBytes } from 'node:crypto';
import { MongoClient } from 'mongodb';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createMemoryBus, type Bus, type BusMessage } from '../messaging/index.ts';
import { createMongoStore, createSqliteStore, type Store } from '../persistence/index.ts';
import { PROTOCOL_VERSION, subjects, trustingOnly, type CoworkerEvent, type CoworkerStatus } from '../protocol/index.ts';
import { createFakeClock } from '../tests/fake-clock.ts';
import { FIXTURE_NOW, fixtureDefinitions, runtimeSigner } from '../tests/fixtures/snapshots/fixture-definitions.ts';
import { waitFor } from '../tests/helpers.ts';
import { createCoworkerHost, type TaskRunner } from './index.ts';

const folder = new URL('../tests/fixtures/snapshots/', import.meta.url);
const expected = JSON.parse(readFileSync(new URL('expected.json', folder), 'utf8')) as { statuses: Record<string, { coworkerId: string; status: CoworkerStatus }> };
const fixture = (name: string) => JSON.parse(readFileSync(new URL(`${name}.json`, folder), 'utf8')) as Record<string, unknown>;
const fixtureOf = (coworkerId: string) => Object.entries(expected.statuses).find(([, entry]) => entry.coworkerId === coworkerId)!;

const hangs: TaskRunner = () => new Promise(() => {});
const finishes: TaskRunner = async ({ task }) => ({ kind: 'done', summary: `finished ${task.text}` });

const stops: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const stop of stops.splice(0).reverse()) await stop();
});

/** A store holding the fixtures as an earlier release left them, with some replaced. */
async function storeWith(store: Store, replace: Record<string, unknown> = {}): Promise<Store> {
  await store.registerCoworkers(fixtureDefinitions());
  for (const [name, { coworkerId, status }] of Object.entries(expected.statuses)) {
    await store.saveSnapshot(coworkerId, 0, coworkerId in replace ? replace[coworkerId] : fixture(name), status);
  }
  return store;
}

async function host(store: Store, options: { runTask?: TaskRunner; bus?: Bus; lines?: string[] } = {}) {
  const bus = options.bus ?? createMemoryBus();
  const events: CoworkerEvent[] = [];
  const subscription = await bus.subscribe(subjects.allEvents, (message: BusMessage) => events.push(message.data as CoworkerEvent));
  const lines = options.lines ?? [];
  const logger = pino({ level: 'error' }, { write: (line: string) => lines.push(line) });
  const clock = createFakeClock(FIXTURE_NOW);
  const coworkers = createCoworkerHost({ definitions: fixtureDefinitions(), bus, store, clock, logger, runTask: options.runTask ?? hangs, trust: trustingOnly(runtimeSigner) });
  await coworkers.start();
  stops.push(async () => {
    await subscription.stop();
    await coworkers.stop();
  });
  return { host: coworkers, bus, events, lines };
}

let counter = 0;
function assign(bus: Bus, coworkerId: string, text: string) {
  const id = `restore-${++counter}`;
  const command = { v: PROTOCOL_VERSION, id, coworkerId, at: FIXTURE_NOW, type: 'task.assign', task: { id, text, source: 'person', requestedBy: 'UMIA', createdAt: FIXTURE_NOW } };
  return bus.publish(subjects.command('task', coworkerId), command, { msgId: id });
}

/** The awaiting-approval fixture with `awaitingApproval` renamed, as a later release might rename a state. */
function renamed() {
  const stored = fixture(fixtureOf('bo')[0]) as { machine: { value: Record<string, string> } };
  return { ...stored, machine: { ...stored.machine, value: { ...stored.machine.value, status: 'waitingForApproval' } } };
}

describe('snapshot fixtures from an earlier release', () => {
  it('restore every coworker with the status, backlog and pending approvals recorded', async () => {
    const store = await storeWith(createSqliteStore({ path: ':memory:' }));
    const { host: coworkers, lines } = await host(store);
    expect(coworkers.size).toBe(Object.keys(expected.statuses).length);
    for (const { coworkerId, status } of Object.values(expected.statuses)) {
      expect(coworkers.status(coworkerId)).toEqual(status);
      expect((await store.getCoworker(coworkerId))?.status).toEqual(status);
    }
    expect(lines).toEqual([]);
  });

  it('write the current schema version with the next change', async () => {
    const store = await storeWith(createSqliteStore({ path: ':memory:' }));
    const { bus } = await host(store);
    await assign(bus, 'dee', 'one more');
    await waitFor(async () => (await store.getCoworker('dee'))?.status?.backlog === 3, 'the task stored');
    expect((await store.getCoworker('dee'))?.snapshot).toMatchObject({ schemaVersion: 1 });
  });
});

describe('a snapshot that cannot be restored', () => {
  it('leaves only its coworker in needs attention (renamed state, garbage, a future version); the others run and take commands', async () => {
    const store = await storeWith(createSqliteStore({ path: ':memory:' }), {
      bo: renamed(),
      cy: '{not json',
      eve: { ...fixture(fixtureOf('eve')[0]), schemaVersion: 99 },
    });
    const { host: coworkers, bus, events, lines } = await host(store, { runTask: finishes });
    expect(coworkers.hosted().sort()).toEqual(['ada', 'dee']);

    expect(coworkers.status('bo')?.attention).toEqual({ schemaVersion: 1, error: expect.stringContaining("State 'waitingForApproval' does not exist"), hint: expect.stringContaining('backup') });
    expect(coworkers.status('cy')?.attention).toMatchObject({ schemaVersion: null, error: expect.stringContaining('not a snapshot') });
    expect(coworkers.status('eve')?.attention).toMatchObject({ schemaVersion: 99, error: expect.stringContaining('schema version 99') });
    // The store shows it (for `list` and the console), with the last status it stored; the snapshot itself is kept as it was.
    const listed = new Map((await store.listCoworkers()).map((summary) => [summary.id, summary.status]));
    expect(listed.get('bo')).toEqual({ ...fixtureOf('bo')[1].status, attention: coworkers.status('bo')!.attention });
    expect(listed.get('ada')?.attention).toBeUndefined();
    expect((await store.getCoworker('bo'))?.snapshot).toEqual(renamed());
    // One error line each, naming the coworker, the version and what to do.
    const errors = lines.map((line) => JSON.parse(line) as { msg: string; coworker: string });
    expect(errors.map((line) => line.coworker).sort()).toEqual(['bo', 'cy', 'eve']);
    expect(errors.find((line) => line.coworker === 'eve')?.msg).toMatch(/coworker "eve" needs attention.*schema version 99.*run the release that wrote it/);

    // ada finishes its restored run and takes a new task.
    await assign(bus, 'ada', 'fresh work');
    await waitFor(async () => events.some((event) => event.type === 'message' && event.text === 'finished fresh work'), 'ada runs a new task');
    // A command for bo is not lost: it waits on the bus.
    await assign(bus, 'bo', 'waits for the repair');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(events.some((event) => event.coworkerId === 'bo' && event.type !== 'audit')).toBe(false);
  });

  it('leaves only its coworker out when its stored row is not JSON at all', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'coworkers-corrupt-')), 'store.db');
    await (await storeWith(createSqliteStore({ path }))).close();
    const database = new DatabaseSync(path);
    database.prepare("UPDATE coworkers SET snapshot = '{\"machine\": {' WHERE id = 'bo'").run();
    database.close();
    const store = createSqliteStore({ path });
    stops.push(() => store.close());
    const { host: coworkers } = await host(store, { runTask: finishes });
    expect(coworkers.status('bo')?.attention).toMatchObject({ error: expect.stringContaining('text, not a snapshot') });
    expect(coworkers.hosted()).toContain('ada');
  });

  it('keeps its commands on the bus until it is restored', async () => {
    const store = await storeWith(createSqliteStore({ path: ':memory:' }), { bo: renamed() });
    const bus = createMemoryBus();
    const first = await host(store, { bus });
    await assign(bus, 'bo', 'waits for the repair');
    await new Promise((resolve) => setTimeout(resolve, 200));
    await first.host.stop();

    // The operator puts back a snapshot this release reads (here: the one before the rename).
    const record = (await store.getCoworker('bo'))!;
    await store.saveSnapshot('bo', record.version, fixture(fixtureOf('bo')[0]), fixtureOf('bo')[1].status);
    const second = await host(store, { bus });
    expect(second.host.status('bo')?.attention).toBeUndefined();
    await waitFor(async () => second.host.status('bo')?.backlog === 1, 'the waiting task applied', 40_000);
    expect(second.host.status('bo')?.state.status).toBe('awaitingApproval');
  }, 60_000);

  it('on MongoDB (FerretDB) too', async () => {
    const client = new MongoClient(process.env.MONGODB_URI!, { serverSelectionTimeoutMS: 2_000 });
    const db = client.db(`coworkers_test_${randomBytes(6).toString('hex')}`);
    stops.push(async () => {
      await db.dropDatabase();
      await client.close();
    });
    const store = await storeWith(createMongoStore({ db }), { bo: renamed() });
    const { host: coworkers } = await host(store);
    expect(coworkers.hosted().sort()).toEqual(['ada', 'cy', 'dee', 'eve']);
    expect((await store.listCoworkers()).find((summary) => summary.id === 'bo')?.status?.attention).toMatchObject({ schemaVersion: 1 });
    expect(coworkers.status('cy')).toEqual(fixtureOf('cy')[1].status);
  });
});
