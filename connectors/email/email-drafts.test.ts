// email.draft and email.listDrafts, against both stores: the embedded SQLite one and MongoDB
// (FerretDB, started by vitest's global setup).
import { randomBytes } from 'node:crypto';
import { MongoClient } from 'mongodb';
import { afterEach, describe, expect, it } from 'vitest';
import { createMongoStore, createSqliteStore, type Documents } from '../../persistence/index.ts';
import { emailFactory } from './email.connector.ts';
import { toolCall } from '../connector-test-kit.ts';
import { testDeps } from './email-test-kit.ts';

const mongoUri = process.env.MONGODB_URI ?? '';
if (!mongoUri) throw new Error('MONGODB_URI is not set: run the tests through vitest, whose global setup starts FerretDB');

const stores: Record<string, () => Promise<{ documents: Documents; close(): Promise<void> }>> = {
  sqlite: async () => {
    const store = createSqliteStore({ path: ':memory:' });
    return { documents: store.documents, close: () => store.close() };
  },
  mongodb: async () => {
    const client = new MongoClient(mongoUri, { serverSelectionTimeoutMS: 2_000 });
    const db = client.db(`coworkers_test_${randomBytes(6).toString('hex')}`);
    return {
      documents: createMongoStore({ db }).documents,
      close: async () => {
        await db.dropDatabase();
        await client.close();
      },
    };
  },
};

let cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of cleanup.reverse()) await close();
  cleanup = [];
});

describe.each(Object.keys(stores))('email drafts in %s', (storeName) => {
  async function draftingConnector() {
    const store = await stores[storeName]!();
    cleanup.push(store.close);
    let now = Date.parse('2026-11-23T09:00:00Z');
    const deps = testDeps({}, { documents: store.documents, now: () => (now += 60_000) });
    cleanup.push(deps.close);
    const [connector] = [await emailFactory.create(emailFactory.settings.parse({ from: 'ava@acme.test', outbox: {} }), deps)].flat();
    return connector!;
  }

  const followUp = { to: ['dana@client.test'], subject: 'Following up', body: 'Shall we meet on Tuesday?' };

  it('stores a draft, sends nothing, and lists the coworker\'s drafts newest first', async () => {
    const connector = await draftingConnector();

    const first = await connector.call(toolCall('email.draft', followUp, { coworkerId: 'ava' }));
    const second = await connector.call(toolCall('email.draft', { ...followUp, cc: ['boss@acme.test'], subject: 'Second try' }, { coworkerId: 'ava' }));
    await connector.call(toolCall('email.draft', { ...followUp, subject: 'Not mine' }, { coworkerId: 'bob' }));

    expect(first.result).toEqual({ draftId: expect.stringMatching(/^draft-[0-9a-f]{16}$/), coworkerId: 'ava', createdAt: '2026-11-23T09:01:00.000Z', ...followUp });
    const { result } = await connector.call(toolCall('email.listDrafts', {}, { coworkerId: 'ava' }));
    expect(result).toEqual({ drafts: [second.result, first.result] });
    expect((result as { drafts: Array<{ cc?: string[] }> }).drafts[0]!.cc).toEqual(['boss@acme.test']);

    const { result: limited } = await connector.call(toolCall('email.listDrafts', { limit: 1 }, { coworkerId: 'ava' }));
    expect(limited).toEqual({ drafts: [second.result] });
  });

  it('keeps one draft per idempotency key, also for a connector that forgot the key (after a restart)', async () => {
    const store = await stores[storeName]!();
    cleanup.push(store.close);
    const settings = emailFactory.settings.parse({ from: 'ava@acme.test', outbox: {} });
    const make = async () => {
      const deps = testDeps({}, { documents: store.documents });
      cleanup.push(deps.close);
      return [await emailFactory.create(settings, deps)].flat()[0]!;
    };

    const first = await (await make()).call(toolCall('email.draft', followUp, { idempotencyKey: 'draft-key-1' }));
    const again = await (await make()).call(toolCall('email.draft', followUp, { idempotencyKey: 'draft-key-1' }));

    expect(again.result).toEqual(first.result);
    expect(await store.documents.list('email-drafts')).toHaveLength(1);
  });
});
