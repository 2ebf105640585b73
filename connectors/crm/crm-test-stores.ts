// For the CRM's tests: the two real stores to run each test against (SQLite in memory, and a
// database of its own on the MongoDB-wire server vitest starts), and a recording `emit`.
import { randomBytes } from 'node:crypto';
import { MongoClient } from 'mongodb';
import { createMongoStore, createSqliteStore, type Documents } from '../../persistence/index.ts';
import type { Connector, ConnectorContext } from '../connector-kit.ts';
import { silentLogger, toolCall } from '../connector-test-kit.ts';

export interface OpenStore {
  documents: Documents;
  close(): Promise<void>;
}

export const testStores: { name: string; open(): Promise<OpenStore> }[] = [
  {
    name: 'sqlite',
    async open() {
      const store = createSqliteStore({ path: ':memory:' });
      return { documents: store.documents, close: () => store.close() };
    },
  },
  {
    name: 'mongodb',
    async open() {
      const uri = process.env.MONGODB_URI;
      if (!uri) throw new Error('MONGODB_URI is not set: run the tests through vitest, whose global setup starts FerretDB');
      const client = new MongoClient(uri, { serverSelectionTimeoutMS: 2_000 });
      const db = client.db(`coworkers_test_${randomBytes(6).toString('hex')}`);
      return {
        documents: createMongoStore({ db }).documents,
        async close() {
          try {
            await db.dropDatabase();
          } finally {
            await client.close();
          }
        },
      };
    },
  },
];

/** Wednesday 12 March 2025, 10:00 UTC: the fixed "now" of the CRM's tests. */
export const TEST_NOW = Date.parse('2025-03-12T10:00:00Z');

export interface EmittedEvent {
  event: string;
  data: Record<string, unknown>;
  id: string;
}

/** A start context whose emit records what the connector published. */
export function recordingContext(): ConnectorContext & { events: EmittedEvent[] } {
  const events: EmittedEvent[] = [];
  return {
    events,
    logger: silentLogger,
    async emit(event, data, id) {
      events.push({ event, data, id });
    },
  };
}

/** Calls a tool as coworker "sam" with a fresh idempotency key; resolves to its result. */
export async function callTool(connector: Connector, tool: string, args: Record<string, unknown>): Promise<any> {
  const { result } = await connector.call(toolCall(tool, args, { coworkerId: 'sam' }));
  return result;
}
