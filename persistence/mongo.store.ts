// The distributed store: MongoDB through the official driver. Single-document atomic operations
// only (no transactions, change streams or TTL indexes), so MongoDB-compatible servers such as
// FerretDB work too.
import {
  MongoClientClosedError,
  MongoNetworkError,
  MongoNotConnectedError,
  MongoOperationTimeoutError,
  MongoServerClosedError,
  MongoServerError,
  MongoServerSelectionError,
  MongoTopologyClosedError,
  type Db,
} from 'mongodb';
import { CoworkersError, type CoworkerDefinition, type CoworkerStatus } from '../protocol/index.ts';
import { coworkerNotFound, versionConflict } from './store.errors.ts';
import type { CoworkerRecord, CoworkerSummary, Store } from './store.port.ts';

export interface MongoStoreOptions {
  /** The database to use; the caller owns its MongoClient and closes it. */
  db: Db;
}

interface CoworkerDocument {
  _id: string;
  // Definitions and snapshots are stored as JSON text: their keys are user data (trigger `where`
  // fields, XState context) and may contain '.' or a leading '$', which BSON storage rejects or alters.
  definition: string;
  version: number;
  // Absent until the first save: FerretDB drops null values from $setOnInsert, so none are written.
  snapshot?: string;
  status?: CoworkerStatus;
  /** Copied from the definition so listCoworkers needs no JSON parsing. */
  name: string;
  role: string;
  team: string;
  manager: { name: string; slack: string };
  updatedAt: number;
}

const DUPLICATE_KEY = 11000;

/** Driver errors that waiting and retrying can cure: the server is down, far away or slow. */
const UNREACHABLE = [MongoNetworkError, MongoServerSelectionError, MongoOperationTimeoutError];
/**
 * Driver errors from a client that will not try again: its owner closed it, or its first
 * connection attempt failed (driver 7 then keeps a closed topology and never reconnects).
 */
const CLOSED = [MongoNotConnectedError, MongoClientClosedError, MongoTopologyClosedError, MongoServerClosedError];

export function createMongoStore(options: MongoStoreOptions): Store {
  // ignoreUndefined: a status without `deadline` must read back without it, not with `deadline: null`.
  const coworkers = options.db.collection<CoworkerDocument>('coworkers', { ignoreUndefined: true });
  // A save first claims its new version by inserting `<id>@<version>` here. FerretDB 1.x applies
  // a guarded update as read-then-write, so two writers that read the same version could both
  // pass the version guard; an insert with a unique _id is atomic everywhere, so one claim wins.
  // The guarded update still refuses writers that are behind.
  const versions = options.db.collection<{ _id: string }>('coworker_versions');
  const servers = options.db.client.options.hosts.map(String).join(', ');

  async function guarded<T>(operation: () => Promise<T>): Promise<T> {
    try {
      return await operation();
    } catch (error) {
      throw translateDriverError(error, servers);
    }
  }

  function upsertDefinition(definition: CoworkerDefinition) {
    const { name, role, team, manager } = definition;
    return coworkers.updateOne(
      { _id: definition.id },
      {
        $set: {
          definition: JSON.stringify(definition),
          name,
          role,
          team,
          manager: { name: manager.name, slack: manager.slack },
          updatedAt: Date.now(),
        },
        $setOnInsert: { version: 0 },
      },
      { upsert: true },
    );
  }

  return {
    registerCoworker: (definition) =>
      guarded(async () => {
        try {
          await upsertDefinition(definition);
        } catch (error) {
          // Two upserts of a new id can both try the insert; the loser's retry finds the document.
          if (!(error instanceof MongoServerError && error.code === DUPLICATE_KEY)) throw error;
          await upsertDefinition(definition);
        }
      }),

    getCoworker: (id) =>
      guarded(async () => {
        const document = await coworkers.findOne({ _id: id });
        return document ? toRecord(document) : null;
      }),

    loadCoworkers: (ids) =>
      guarded(async () => {
        const documents = await coworkers.find(ids ? { _id: { $in: ids } } : {}).sort({ _id: 1 }).toArray();
        return documents.map(toRecord);
      }),

    saveSnapshot: (id, expectedVersion, snapshot, status) =>
      guarded(async () => {
        const claim = `${id}@${expectedVersion + 1}`;
        const conflict = async () => {
          const current = await coworkers.findOne({ _id: id }, { projection: { version: 1 } });
          return current ? versionConflict(id, expectedVersion, current.version) : coworkerNotFound(id);
        };
        try {
          await versions.insertOne({ _id: claim });
        } catch (error) {
          if (error instanceof MongoServerError && error.code === DUPLICATE_KEY) throw await conflict();
          throw error;
        }
        // updateOne, not findOneAndUpdate: FerretDB's findAndModify cannot project, so it would
        // send the whole snapshot back. The previous claim is no longer needed by anyone.
        const [saved] = await Promise.all([
          coworkers.updateOne(
            { _id: id, version: expectedVersion },
            { $set: { snapshot: JSON.stringify(snapshot), status, updatedAt: Date.now() }, $inc: { version: 1 } },
          ),
          versions.deleteOne({ _id: `${id}@${expectedVersion}` }),
        ]);
        if (saved.matchedCount === 1) return expectedVersion + 1;
        await versions.deleteOne({ _id: claim });
        throw await conflict();
      }),

    listCoworkers: () =>
      guarded(async () => {
        const documents = await coworkers
          .find({}, { projection: { name: 1, role: 1, team: 1, manager: 1, status: 1, updatedAt: 1 } })
          .sort({ _id: 1 })
          .toArray();
        return documents.map(toSummary);
      }),

    // Nothing to release: the MongoClient belongs to the caller.
    async close() {},
  };
}

function toRecord(document: CoworkerDocument): CoworkerRecord {
  return {
    id: document._id,
    definition: JSON.parse(document.definition) as CoworkerDefinition,
    version: document.version,
    snapshot: document.snapshot === undefined ? null : JSON.parse(document.snapshot),
    status: document.status ?? null,
    updatedAt: document.updatedAt,
  };
}

type SummaryFields = Pick<CoworkerDocument, '_id' | 'name' | 'role' | 'team' | 'manager' | 'status' | 'updatedAt'>;

function toSummary(document: SummaryFields): CoworkerSummary {
  const { _id, name, role, team, manager, status, updatedAt } = document;
  return { id: _id, name, role, team, manager: { name: manager.name, slack: manager.slack }, status: status ?? null, updatedAt };
}

function translateDriverError(error: unknown, servers: string): unknown {
  if (UNREACHABLE.some((type) => error instanceof type)) {
    return new CoworkersError('STORE_UNAVAILABLE', `the MongoDB server at ${servers} cannot be reached: ${(error as Error).message}`, {
      retryable: true,
      hint: 'Start MongoDB (e.g. `docker compose up -d`) or point the connection string (MONGODB_URI) at a running server.',
      cause: error,
    });
  }
  if (CLOSED.some((type) => error instanceof type)) {
    return new CoworkersError('STORE_UNAVAILABLE', `the MongoDB client for ${servers} is closed and will not reconnect`, {
      hint: 'Connect the MongoClient (await client.connect()) before creating the store, and close it only after the store is done.',
      cause: error,
    });
  }
  return error;
}
