// The pruner on real stores with small settings and a fake clock: what is younger than its
// retention stays, what is older goes, each job's latest fire stays, and the rows left are
// bounded by the settings; and on a schedule, in the one process that prunes.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MongoClient } from 'mongodb';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { Retention } from '../definitions/index.ts';
import { createMongoStore, createSqliteStore, type Store } from '../persistence/index.ts';
import { coworkerDefinitionSchema, type CoworkerStatus } from '../protocol/index.ts';
import { createFakeClock } from '../tests/fake-clock.ts';
import { uniqueName } from '../tests/helpers.ts';
import { createPruner, type PrunableStore } from './pruner.ts';

const logger = pino({ level: 'silent' });
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const SMALL: Retention = { audit: HOUR, executedKeys: HOUR, fires: HOUR, drafts: 2 * HOUR, chatPosts: HOUR };
const IDLE: CoworkerStatus = { state: { status: 'idle', shift: 'onDuty' }, since: 0, backlog: 0 };
const PRUNED_COLLECTIONS = ['tool-runs', 'tool-results', 'email-drafts', 'chat-posts'];

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function sqliteStore(): Store {
  const dir = mkdtempSync(join(tmpdir(), 'coworkers-pruner-'));
  const store = createSqliteStore({ path: join(dir, 'store.db') });
  cleanups.push(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return store;
}

async function mongoStore(): Promise<Store> {
  const client = await new MongoClient(process.env.MONGODB_URI!).connect();
  const db = client.db(uniqueName('pruner'));
  const store = createMongoStore({ db });
  cleanups.push(async () => {
    await store.close();
    await db.dropDatabase();
    await client.close();
  });
  return store;
}

function definition(id: string) {
  return coworkerDefinitionSchema.parse({
    id,
    name: id,
    role: 'Analyst',
    team: 'ops',
    manager: { name: 'Maria', slack: 'UMARIA', email: 'maria@example.com' },
    timezone: 'UTC',
    jobs: [{ id: 'hourly', instructions: 'Report.', schedule: '0 * * * *' }],
  });
}

/**
 * `scale` entries of each kind spread over the 3 hours before `now`, two jobs firing every minute
 * over those hours and one whose fires are all older, snapshot versions, and documents written
 * before and after the moment `documentsBoundary` (the store stamps documents with the real time).
 */
async function fill(store: Store, options: { now: number; scale: number; coworkers: string[] }) {
  const { now, scale } = options;
  await store.registerCoworkers(options.coworkers.map(definition));
  const step = (3 * HOUR) / scale;
  const audit = Array.from({ length: scale }, (_, index) => ({
    id: `audit-${index}`,
    coworkerId: options.coworkers[index % options.coworkers.length]!,
    at: Math.round(now - 1 - index * step),
    kind: 'run.started' as const,
    by: 'policy',
    jobId: 'hourly',
    summary: `entry ${index}`,
  }));
  for (let start = 0; start < audit.length; start += 500) await store.appendAudit(audit.slice(start, start + 500));
  const fires: Array<{ coworkerId: string; jobId: string; fireAt: number }> = [];
  for (const coworkerId of options.coworkers.slice(0, 2)) for (let minute = 0; minute < 180; minute++) fires.push({ coworkerId, jobId: 'hourly', fireAt: now - 1 - minute * MINUTE });
  for (let hour = 5; hour < 10; hour++) fires.push({ coworkerId: options.coworkers[0]!, jobId: 'old-job', fireAt: now - hour * HOUR });
  for (const fire of fires) await store.recordFire({ ...fire, recordedBy: 'test' });
  // Many versions of each coworker's snapshot: the store keeps superseded ones until pruned (MongoDB).
  for (const id of options.coworkers) {
    let version = 0;
    for (let write = 0; write < 20; write++) version = await store.saveSnapshot(id, version, { write }, IDLE);
  }
  return { audit, fires };
}

async function writeDocuments(store: Store, label: string, count: number): Promise<void> {
  for (const collection of [...PRUNED_COLLECTIONS, 'crm-deals']) {
    for (let index = 0; index < count; index++) await store.documents.put(collection, `${label}-${index}`, { label, index });
  }
}

async function proveBounded(store: Store, scale: number, documents: number) {
  const coworkers = ['ava', 'sam', 'lee'];
  // Documents are stamped with the real time: the old ones, a boundary, then the young ones.
  await writeDocuments(store, 'old', documents);
  await new Promise((resolve) => setTimeout(resolve, 20));
  const boundary = Date.now();
  await new Promise((resolve) => setTimeout(resolve, 20));
  await writeDocuments(store, 'young', documents);
  // The clock reads an hour after the boundary: the 1 h settings cut there, drafts (2 h) keep both.
  const clock = createFakeClock(boundary + HOUR);
  const now = clock.now();
  const { audit, fires } = await fill(store, { now, scale, coworkers });

  const pruner = createPruner({ store, retention: SMALL, clock, logger, isPruner: () => true });
  const counts = await pruner.pruneOnce();

  const youngAudit = audit.filter((entry) => entry.at >= now - SMALL.audit);
  const youngFires = fires.filter((fire) => fire.fireAt >= now - SMALL.fires);
  expect(youngAudit.length).toBeGreaterThan(0);
  expect(youngAudit.length).toBeLessThan(audit.length / 2);
  const { rows } = await store.size();
  expect(rows.audit).toBe(youngAudit.length);
  // The young fires, and the old job's latest (its only one kept).
  expect(rows.scheduleFires).toBe(youngFires.length + 1);
  expect(await store.lastFire('ava', 'old-job')).toBe(now - 5 * HOUR);
  expect(await store.lastFire('ava', 'hourly')).toBe(now - 1);
  expect(rows.snapshots).toBe(coworkers.length);
  for (const collection of ['tool-runs', 'tool-results', 'chat-posts']) expect(rows[`documents:${collection}`]).toBe(documents);
  expect(rows['documents:email-drafts']).toBe(2 * documents);
  // A collection without a retention setting is the owner's (the CRM): untouched.
  expect(rows['documents:crm-deals']).toBe(2 * documents);
  expect(await store.documents.get('tool-runs', 'old-0')).toBeNull();
  expect(await store.documents.get('tool-runs', 'young-0')).toEqual({ label: 'young', index: 0 });
  const ava = await store.queryAudit({ coworkerId: 'ava' });
  expect(ava.every((entry) => entry.at >= now - SMALL.audit)).toBe(true);
  expect(counts).toMatchObject({ audit: audit.length - youngAudit.length, fires: fires.length - youngFires.length - 1, documents: 3 * documents });

  // A second pass finds nothing left to delete: the store is at its bound.
  expect(await pruner.pruneOnce()).toMatchObject({ audit: 0, fires: 0, snapshots: 0, documents: 0 });
}

describe('the pruner', () => {
  it('keeps SQLite bounded by the settings: thousands of entries, fires and documents', async () => {
    await proveBounded(sqliteStore(), 5_000, 300);
  });

  it('keeps MongoDB bounded by the settings, superseded snapshot versions included', async () => {
    await proveBounded(await mongoStore(), 600, 20);
  }, 120_000);

  it('prunes shortly after start, then every interval, until stopped', async () => {
    const passes: number[] = [];
    const store: PrunableStore = {
      prune: async () => {
        passes.push(clock.now());
        return { audit: 0, fires: 0, snapshots: 0 };
      },
      documents: { deleteOlderThan: async () => 0 },
    };
    const clock = createFakeClock(1_000_000);
    const pruner = createPruner({ store, retention: SMALL, clock, logger, isPruner: () => true, firstDelayMs: MINUTE, intervalMs: HOUR });
    pruner.start();
    const advance = async (ms: number) => {
      clock.advance(ms);
      await new Promise((resolve) => setImmediate(resolve));
    };
    await advance(MINUTE - 1);
    expect(passes).toEqual([]);
    await advance(1);
    await advance(HOUR);
    await advance(HOUR);
    expect(passes).toEqual([1_000_000 + MINUTE, 1_000_000 + MINUTE + HOUR, 1_000_000 + MINUTE + 2 * HOUR]);
    await pruner.stop();
    await advance(2 * HOUR);
    expect(passes).toHaveLength(3);
  });
});
