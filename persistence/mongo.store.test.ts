import { randomBytes } from 'node:crypto';
import { MongoClient, MongoServerSelectionError, type Db } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { freePort } from '../scripts/test-servers.ts';
import { isCoworkersError } from '../protocol/index.ts';
import { createMongoStore } from './mongo.store.ts';
import { coworkerDefinition, describeStoreContract } from './store.contract.ts';

const mongoUri = process.env.MONGODB_URI ?? '';
if (!mongoUri) throw new Error('MONGODB_URI is not set: run the tests through vitest, whose global setup starts FerretDB');

function connect(url = mongoUri, serverSelectionTimeoutMS = 2_000): MongoClient {
  return new MongoClient(url, { serverSelectionTimeoutMS });
}

describeStoreContract(
  'mongodb',
  async () => {
    const client = connect();
    // A database per test, so tests neither see nor clean up each other's coworkers.
    const db = client.db(`coworkers_test_${randomBytes(6).toString('hex')}`);
    return {
      store: createMongoStore({ db }),
      cleanup: async () => {
        try {
          await db.dropDatabase();
        } finally {
          await client.close();
        }
      },
    };
  },
);

describe('mongodb store data written before fencing', () => {
  it('reads a version without a fence as fence 0 and fences the writes on top of it', async () => {
    const client = connect();
    const db = client.db(`coworkers_test_${randomBytes(6).toString('hex')}`);
    try {
      const store = createMongoStore({ db });
      await store.registerCoworkers([coworkerDefinition('ada')]);
      const status = { state: { status: 'idle', shift: 'onDuty' }, since: 1, backlog: 0 } as const;
      // A version document as the store wrote them before fencing: no `fence` field.
      await db.collection('snapshots').insertOne({ _id: 'ada@1' as never, coworker: 'ada', version: 1, snapshot: '{"old":true}', status, updatedAt: 5 });

      expect(await store.getCoworker('ada')).toMatchObject({ version: 1, snapshot: { old: true }, fence: 0 });
      expect(await store.saveSnapshot('ada', 1, { fenced: true }, status, 2)).toBe(2);
      await expect(store.saveSnapshot('ada', 2, { older: true }, status, 1)).rejects.toMatchObject({ code: 'FENCED' });
      expect(await store.loadCoworkers()).toMatchObject([{ version: 2, snapshot: { fenced: true }, fence: 2 }]);
      await store.close();
    } finally {
      await db.dropDatabase();
      await client.close();
    }
  });
});

describe('mongodb store errors', () => {
  const status = { state: { status: 'idle', shift: 'onDuty' }, since: 1, backlog: 0 } as const;

  it('rejects promptly with a retryable STORE_UNAVAILABLE when no server listens', async () => {
    const client = connect(`mongodb://127.0.0.1:${await freePort()}/`, 500);
    const store = createMongoStore({ db: client.db('nowhere') });
    try {
      const started = Date.now();
      const error = await store.saveSnapshot('ada', 0, {}, status).catch((rejection: unknown) => rejection);
      expect(Date.now() - started).toBeLessThan(3_000);
      expect(isCoworkersError(error, 'STORE_UNAVAILABLE')).toBe(true);
      expect(error).toMatchObject({ retryable: true, message: expect.stringContaining(`cannot be reached`) });
      expect((error as Error).cause).toBeInstanceOf(MongoServerSelectionError);

      // Driver 7 gives up on a client whose first connection failed: retrying it cannot help.
      await expect(store.getCoworker('ada')).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE', retryable: false });
    } finally {
      await client.close();
    }
  });

  it('rejects with a non-retryable STORE_UNAVAILABLE once its client is closed', async () => {
    const client = connect();
    const store = createMongoStore({ db: client.db(`coworkers_test_${randomBytes(6).toString('hex')}`) });
    await client.close();
    await expect(store.listCoworkers()).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE', retryable: false });
  });
});

describe('mongodb store documents an operator can read', () => {
  const status = { state: { status: 'idle', shift: 'onDuty' }, since: 1, backlog: 0 } as const;

  async function withDatabase(work: (db: Db) => Promise<void>): Promise<void> {
    const client = connect();
    const db = client.db(`coworkers_test_${randomBytes(6).toString('hex')}`);
    try {
      await work(db);
    } finally {
      await db.dropDatabase();
      await client.close();
    }
  }

  it("stores a status's times as Dates, and its approvals' arguments whatever their keys", () =>
    withDatabase(async (db) => {
      const store = createMongoStore({ db });
      await store.registerCoworkers([coworkerDefinition('ada')]);
      const approval = {
        id: 'apr-1', toolCallId: 'c1', tool: 'crm.updateDeal', args: { 'deal.stage': 'won', $amount: 5 }, risk: 'write', reason: 'r', summary: 's',
        argsHash: 'h', policyVersion: 'v', taskId: 't1', approvers: ['U1'], requestedAt: 1_700_000_000_000, deadline: 1_700_000_360_000,
      };
      const waiting = { ...status, state: { status: 'awaitingApproval' as const, shift: 'onDuty' as const }, deadline: 1_700_000_360_000, approvals: [approval] };
      await store.saveSnapshot('ada', 0, { context: {} }, waiting);
      await store.close();
      const stored = await db.collection('snapshots').findOne({ coworker: 'ada' });
      expect(stored?.status).toMatchObject({ since: expect.any(Date), deadline: new Date(1_700_000_360_000), approvals: [{ requestedAt: new Date(1_700_000_000_000), args: { 'deal\uFF0Estage': 'won' } }] });
      const again = createMongoStore({ db });
      expect((await again.getCoworker('ada'))?.status).toEqual(waiting);
      expect((await again.listCoworkers())[0]?.status).toEqual(waiting);
      await again.close();
    }));

  it('stores definitions, snapshots, audit entries and documents as fields, and times as Dates', () =>
    withDatabase(async (db) => {
      const store = createMongoStore({ db });
      await store.registerCoworkers([coworkerDefinition('ada')]);
      await store.saveSnapshot('ada', 0, { context: { 'a.b': { $c: 1 } } }, status);
      await store.appendAudit([{ id: 'e1', coworkerId: 'ada', at: 1_700_000_000_000, kind: 'tool.executed', by: 'ada', summary: 's', jobId: 'j1', detail: { 'x.y': 1 } }]);
      await store.recordFire({ coworkerId: 'ada', jobId: 'j1', fireAt: 1_700_000_000_000, recordedBy: 'runtime-1' });
      await store.documents.put('deals', 'd1', { $amount: 5 });
      await store.close();

      const coworker = await db.collection('coworkers').findOne({ _id: 'ada' as never });
      expect(coworker?.definition).toMatchObject({ id: 'ada', jobs: [{ triggers: [{ where: { 'deal\uFF0Estage': 'negotiation' } }] }] });
      expect(coworker?.updatedAt).toBeInstanceOf(Date);
      const snapshot = await db.collection('snapshots').findOne({ coworker: 'ada' });
      expect(snapshot?.snapshot).toStrictEqual({ context: { 'a\uFF0Eb': { '\uFF04c': 1 } } });
      expect(snapshot?.updatedAt).toBeInstanceOf(Date);
      expect(snapshot?.status.since).toBeInstanceOf(Date);
      // An operator's query on real fields, by date.
      const entry = await db.collection('audit').findOne({ 'entry.kind': 'tool.executed', at: { $gte: new Date(1_700_000_000_000) } });
      expect(entry).toMatchObject({ _id: 'e1', jobId: 'j1', at: new Date(1_700_000_000_000), entry: { summary: 's', detail: { 'x\uFF0Ey': 1 } } });
      expect(await db.collection('scheduleFires').findOne({})).toMatchObject({ fireAt: new Date(1_700_000_000_000) });
      const document = await db.collection('documents').findOne({});
      expect(document).toMatchObject({ collection: 'deals', body: { '\uFF04amount': 5 } });
      expect(document?.updatedAt).toBeInstanceOf(Date);
      const indexes = (await db.collection('audit').indexes()).map((index) => index.key);
      expect(indexes).toContainEqual({ coworkerId: 1, jobId: 1, at: 1 });
    }));

  it('reads a database written by the previous release (JSON text, epoch-ms doubles) and writes on top of it', () =>
    withDatabase(async (db) => {
      const definition = coworkerDefinition('ada');
      const entry = (id: string, at: number) => ({ id, coworkerId: 'ada', at, kind: 'tool.executed' as const, by: 'ada', summary: id, jobId: 'j1', detail: { 'x.y': 1 } });
      // Documents exactly as the previous release wrote them.
      await db.collection('coworkers').insertOne({ _id: 'ada' as never, definition: JSON.stringify(definition), name: definition.name, role: definition.role, team: definition.team, manager: { name: 'Ada Manager', id: 'U0123ABC' }, updatedAt: 4 });
      await db.collection('snapshots').insertOne({ _id: 'ada@1' as never, coworker: 'ada', version: 1, snapshot: JSON.stringify({ 'old.key': [[1]] }), status, updatedAt: 5, fence: 0 });
      await db.collection('audit').insertMany([1_000, 2_000].map((at) => ({ _id: `old-${at}` as never, coworkerId: 'ada', at, jobId: 'j1', entry: JSON.stringify(entry(`old-${at}`, at)) })));
      await db.collection('scheduleFires').insertMany([1_000, 2_000].map((fireAt) => ({ _id: `ada:j1:${fireAt}` as never, coworkerId: 'ada', jobId: 'j1', fireAt, recordedBy: 'runtime-1' })));
      await db.collection('documents').insertOne({ _id: 'deals/d1' as never, collection: 'deals', body: JSON.stringify({ 'odd.key': 1 }) });

      const store = createMongoStore({ db });
      expect(await store.getCoworker('ada')).toStrictEqual({ id: 'ada', definition, version: 1, snapshot: { 'old.key': [[1]] }, status, updatedAt: 5, fence: 0 });
      expect(await store.listCoworkers()).toMatchObject([{ id: 'ada', updatedAt: 5 }]);
      expect(await store.documents.get('deals', 'd1')).toStrictEqual({ 'odd.key': 1 });
      expect(await store.lastFire('ada', 'j1')).toBe(2_000);

      // New entries, fires and versions on top: both formats read, filter and order together.
      await store.appendAudit([entry('new-3000', 3_000)]);
      expect((await store.queryAudit({ coworkerId: 'ada', jobId: 'j1' })).map((found) => found.id)).toStrictEqual(['old-1000', 'old-2000', 'new-3000']);
      expect((await store.queryAudit({ coworkerId: 'ada', from: 2_000, to: 3_001 })).map((found) => found.id)).toStrictEqual(['old-2000', 'new-3000']);
      expect(await store.queryAudit({ coworkerId: 'ada', limit: 1 })).toStrictEqual([entry('new-3000', 3_000)]);
      expect(await store.recordFire({ coworkerId: 'ada', jobId: 'j1', fireAt: 3_000, recordedBy: 'runtime-1' })).toBe(true);
      expect(await store.lastFire('ada', 'j1')).toBe(3_000);
      expect(await store.saveSnapshot('ada', 1, { fresh: true }, status)).toBe(2);
      expect(await store.getCoworker('ada')).toMatchObject({ version: 2, snapshot: { fresh: true } });

      // Pruning meets both formats; an old document counts as written at the first pruning pass.
      expect(await store.prune({ audit: 2_500, fires: 2_500 })).toMatchObject({ audit: 2, fires: 2 });
      expect(await store.documents.deleteOlderThan('deals', Date.now() - 1)).toBe(0);
      expect(await store.documents.list('deals')).toStrictEqual([{ 'odd.key': 1 }]);
      await store.close();
    }));

  it('prunes the superseded versions a crashed writer left behind, found from the store', () =>
    withDatabase(async (db) => {
      const store = createMongoStore({ db });
      await store.registerCoworkers([coworkerDefinition('ada'), coworkerDefinition('bob')]);
      const hourAgo = new Date(Date.now() - 3_600_000);
      const version = (coworker: string, number: number, updatedAt: Date) => ({ _id: `${coworker}@${number}` as never, coworker, version: number, snapshot: { number }, status, updatedAt, fence: 0 });
      await db.collection('snapshots').insertMany([1, 2, 3].map((number) => version('ada', number, hourAgo)));
      // bob's newest version is too fresh to prove its line yet (it could be a writer's insert
      // about to be deleted as off the line): only what is below an older one goes.
      await db.collection('snapshots').insertMany([version('bob', 1, hourAgo), version('bob', 2, hourAgo), version('bob', 3, new Date())]);

      expect(await store.prune({})).toStrictEqual({ audit: 0, fires: 0, snapshots: 3 });
      expect((await db.collection('snapshots').find({}).sort({ _id: 1 }).toArray()).map((document) => document._id)).toStrictEqual(['ada@3', 'bob@2', 'bob@3']);
      expect(await store.getCoworker('ada')).toMatchObject({ version: 3, snapshot: { number: 3 } });
      expect(await store.saveSnapshot('ada', 3, { next: true }, status)).toBe(4);
      await store.close(); // the writer's own background pruning of ada@3 has finished
      expect((await store.size()).rows).toMatchObject({ coworkers: 2, snapshots: 3 });
    }));
});
