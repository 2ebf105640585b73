import { randomBytes } from 'node:crypto';
import { MongoClient, MongoServerSelectionError } from 'mongodb';
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
