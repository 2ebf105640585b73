// The distributed store: MongoDB through the official driver. Single-document atomic operations
// only (no transactions, change streams or TTL indexes), so MongoDB-compatible servers such as
// FerretDB work too. Definitions live in `coworkers`; snapshots in `snapshots`, one document per
// version (see mongo.snapshot-writer.ts); audit entries in `audit` and schedule fires in
// `scheduleFires`, both insert-only with the entry's or fire's id as _id, so a repeat is refused
// by the unique _id on every server.
import { MongoBulkWriteError, MongoServerError, type Db, type Filter } from 'mongodb';
import { CoworkersError, personId, type AuditEntry, type CoworkerDefinition } from '../protocol/index.ts';
import { createMongoDocuments } from './mongo.documents.ts';
import { DUPLICATE_KEY, translateDriverError } from './mongo.errors.ts';
import { createSnapshotWriter, newestByCoworker, type SnapshotDocument } from './mongo.snapshot-writer.ts';
import type { CoworkerRecord, CoworkerSummary, ScheduleFire, Store } from './store.port.ts';

export interface MongoStoreOptions {
  /** The database to use; the caller owns its MongoClient and closes it. */
  db: Db;
}

interface CoworkerDocument {
  _id: string;
  // JSON text: a definition's keys are user data (trigger `where` fields) and may hold '.' or '$'.
  definition: string;
  /** Copied from the definition so listing needs no JSON parsing. */
  name: string;
  role: string;
  team: string;
  manager: { name: string; id: string };
  updatedAt: number;
}

interface AuditDocument {
  _id: string;
  /** Copied from the entry for filtering. */
  coworkerId: string;
  at: number;
  runId?: string;
  jobId?: string;
  // JSON text: `detail` is user data and may hold '.' or '$' in its keys.
  entry: string;
}

interface FireDocument extends ScheduleFire {
  /** `<coworkerId>:<jobId>:<fireAt>`: ids are slugs without ':', so this is unambiguous. */
  _id: string;
}

const DEFAULT_AUDIT_LIMIT = 1_000;

/** A duplicate-key error, or a bulk write whose every failure is one: all of it is already stored. */
function onlyDuplicates(error: unknown): boolean {
  if (error instanceof MongoBulkWriteError) return [error.writeErrors].flat().every((writeError) => writeError.code === DUPLICATE_KEY);
  return error instanceof MongoServerError && error.code === DUPLICATE_KEY;
}

export function createMongoStore(options: MongoStoreOptions): Store {
  // ignoreUndefined: a status without `deadline` must read back without it, not with `deadline: null`.
  const coworkers = options.db.collection<CoworkerDocument>('coworkers', { ignoreUndefined: true });
  const snapshots = options.db.collection<SnapshotDocument>('snapshots', { ignoreUndefined: true });
  const audit = options.db.collection<AuditDocument>('audit', { ignoreUndefined: true });
  const fires = options.db.collection<FireDocument>('scheduleFires');
  const servers = options.db.client.options.hosts.map(String).join(', ');
  const translate = (error: unknown) => translateDriverError(error, servers);
  // Every lookup is by coworker; real MongoDB uses these indexes. One after another: when the
  // server is unreachable, the first failure is the one that says so (driver 7 then closes the
  // client, and parallel siblings would fail with a less telling "client closed").
  let indexed: Promise<unknown> | null = null;
  const createIndexes = async () => {
    await snapshots.createIndex({ coworker: 1, version: -1 });
    // One index per call: FerretDB 1.24 drops the connection when a multi-index createIndexes meets existing ones.
    await audit.createIndex({ coworkerId: 1, at: 1, _id: 1 });
    await audit.createIndex({ coworkerId: 1, runId: 1 });
    await fires.createIndex({ coworkerId: 1, jobId: 1, fireAt: -1 });
  };
  const ensureIndex = () =>
    (indexed ??= createIndexes().catch((error: unknown) => {
      indexed = null; // tried again by the next call
      throw error;
    }));
  /** Ids known to be registered, so most saves need no existence check. */
  const registered = new Set<string>();

  async function guarded<T>(operation: () => Promise<T>): Promise<T> {
    try {
      return await operation();
    } catch (error) {
      throw translate(error);
    }
  }

  const writer = createSnapshotWriter({
    snapshots,
    translate,
    async coworkerExists(ids) {
      await ensureIndex();
      const unknown = ids.filter((id) => !registered.has(id));
      if (unknown.length > 0) {
        const found = await coworkers.find({ _id: { $in: unknown } }, { projection: { _id: 1 } }).toArray();
        for (const document of found) registered.add(document._id);
      }
      return new Set(ids.filter((id) => registered.has(id)));
    },
  });

  function toDocument(definition: CoworkerDefinition): CoworkerDocument {
    const { id, name, role, team, manager } = definition;
    return { _id: id, definition: JSON.stringify(definition), name, role, team, manager: { name: manager.name, id: personId(manager) }, updatedAt: Date.now() };
  }

  async function records(filter: { ids?: string[] }): Promise<CoworkerRecord[]> {
    await ensureIndex();
    const [definitions, versions] = await Promise.all([
      coworkers.find(filter.ids ? { _id: { $in: filter.ids } } : {}).sort({ _id: 1 }).toArray(),
      snapshots.find(filter.ids ? { coworker: { $in: filter.ids } } : {}).toArray(),
    ]);
    const newest = newestByCoworker(versions);
    return definitions.map((document) => {
      registered.add(document._id);
      const latest = newest.get(document._id);
      return {
        id: document._id,
        definition: JSON.parse(document.definition) as CoworkerDefinition,
        version: latest?.version ?? 0,
        snapshot: latest ? JSON.parse(latest.snapshot) : null,
        status: latest?.status ?? null,
        updatedAt: latest?.updatedAt ?? document.updatedAt,
        fence: latest?.fence ?? 0,
      };
    });
  }

  return {
    documents: createMongoDocuments(options.db, guarded),
    registerCoworkers: (definitions) =>
      guarded(async () => {
        if (definitions.length === 0) return;
        // Inserts first (fast everywhere); the ones already there are updated one by one.
        const documents = definitions.map(toDocument);
        let existing: CoworkerDocument[] = [];
        try {
          await coworkers.insertMany(documents, { ordered: false });
        } catch (error) {
          if (!(error instanceof MongoBulkWriteError)) throw error;
          const errors = [error.writeErrors].flat();
          const other = errors.find((writeError) => writeError.code !== DUPLICATE_KEY);
          if (other) throw error;
          existing = errors.map((writeError) => documents[writeError.index]!);
        }
        for (const { _id, ...fields } of existing) await coworkers.updateOne({ _id }, { $set: fields });
        for (const definition of definitions) registered.add(definition.id);
      }),

    getCoworker: (id) => guarded(async () => (await records({ ids: [id] }))[0] ?? null),

    loadCoworkers: (ids) => guarded(() => records(ids ? { ids } : {})),

    saveSnapshot: (id, expectedVersion, snapshot, status, fence = 0) => writer.save(id, expectedVersion, snapshot, status, fence),

    listCoworkers: () =>
      guarded(async () => {
        const [definitions, versions] = await Promise.all([
          coworkers.find({}, { projection: { definition: 0 } }).sort({ _id: 1 }).toArray(),
          snapshots.find({}, { projection: { coworker: 1, version: 1, status: 1, updatedAt: 1 } }).toArray(),
        ]);
        const newest = newestByCoworker(versions as Array<Pick<SnapshotDocument, 'coworker' | 'version' | 'status' | 'updatedAt'>>);
        return definitions.map((document): CoworkerSummary => {
          const latest = newest.get(document._id);
          const { _id, name, role, team, manager } = document;
          return { id: _id, name, role, team, manager: { name: manager.name, id: manager.id }, status: latest?.status ?? null, updatedAt: latest?.updatedAt ?? document.updatedAt };
        });
      }),

    appendAudit: (entries) =>
      guarded(async () => {
        if (entries.length === 0) return;
        await ensureIndex();
        const documents = entries.map(
          (entry): AuditDocument => ({ _id: entry.id, coworkerId: entry.coworkerId, at: entry.at, runId: entry.runId, jobId: entry.jobId, entry: JSON.stringify(entry) }),
        );
        try {
          await audit.insertMany(documents, { ordered: false });
        } catch (error) {
          if (!onlyDuplicates(error)) throw error;
        }
      }),

    queryAudit: ({ coworkerId, runId, jobId, from, to, limit = DEFAULT_AUDIT_LIMIT }) =>
      guarded(async () => {
        // limit(0) would mean no limit to the driver.
        if (limit <= 0) return [];
        await ensureIndex();
        const filter: Filter<AuditDocument> = { coworkerId };
        if (runId !== undefined) filter.runId = runId;
        if (jobId !== undefined) filter.jobId = jobId;
        if (from !== undefined || to !== undefined) filter.at = { ...(from !== undefined && { $gte: from }), ...(to !== undefined && { $lt: to }) };
        // The newest `limit` entries, then turned back to oldest first.
        const newest = await audit.find(filter, { projection: { entry: 1 } }).sort({ at: -1, _id: -1 }).limit(limit).toArray();
        return newest.reverse().map((document) => JSON.parse(document.entry) as AuditEntry);
      }),

    recordFire: (fire) =>
      guarded(async () => {
        await ensureIndex();
        const { coworkerId, jobId, fireAt, recordedBy } = fire;
        try {
          await fires.insertOne({ _id: `${coworkerId}:${jobId}:${fireAt}`, coworkerId, jobId, fireAt, recordedBy });
          return true;
        } catch (error) {
          if (onlyDuplicates(error)) return false;
          throw error;
        }
      }),

    lastFire: (coworkerId, jobId) =>
      guarded(async () => {
        await ensureIndex();
        const [latest] = await fires.find({ coworkerId, jobId }, { projection: { fireAt: 1 } }).sort({ fireAt: -1 }).limit(1).toArray();
        return latest?.fireAt ?? null;
      }),

    prune: () => Promise.reject(new CoworkersError('INTERNAL', 'MongoDB retention is being built', { hint: 'Use the SQLite store until the next commit.' })),
    size: () => Promise.reject(new CoworkersError('INTERNAL', 'MongoDB retention is being built', { hint: 'Use the SQLite store until the next commit.' })),
    // The MongoClient belongs to the caller; only background pruning needs to finish.
    close: () => writer.settle(),
  };
}
