// The distributed store: MongoDB through the official driver. Single-document atomic operations
// only (no transactions, change streams or TTL indexes), so MongoDB-compatible servers such as
// FerretDB work too. Definitions live in `coworkers`; snapshots in `snapshots`, one document per
// version (see mongo.snapshot-writer.ts); audit entries in `audit` and schedule fires in
// `scheduleFires`, both insert-only with the entry's or fire's id as _id, so a repeat is refused
// by the unique _id on every server.
import { MongoBulkWriteError, MongoServerError, type Db, type Filter } from 'mongodb';
import { personId, type AuditEntry, type CoworkerDefinition } from '../protocol/index.ts';
import { fromStored, fromTime, statusFromStored, timeRange, toStored } from './mongo.codec.ts';
import { parsedOrText } from './stored-json.ts';
import { createMongoDocuments, type StoredDocument } from './mongo.documents.ts';
import { DUPLICATE_KEY, translateDriverError } from './mongo.errors.ts';
import { createSnapshotWriter, newestByCoworker, type SnapshotDocument } from './mongo.snapshot-writer.ts';
import type { CoworkerRecord, CoworkerSummary, ScheduleFire, Store } from './store.port.ts';

export interface MongoStoreOptions {
  /** The database to use; the caller owns its MongoClient and closes it. */
  db: Db;
}

interface CoworkerDocument {
  _id: string;
  /** BSON with escaped keys (trigger `where` fields are user data); JSON text from the previous release. */
  definition: unknown;
  /** Copied from the definition so listing needs no JSON parsing. */
  name: string;
  role: string;
  team: string;
  manager: { name: string; id: string };
  /** A Date; a double from the previous release. */
  updatedAt: Date | number;
}

interface AuditDocument {
  _id: string;
  /** Copied from the entry for filtering. */
  coworkerId: string;
  /** A Date; a double from the previous release. */
  at: Date | number;
  runId?: string;
  jobId?: string;
  /** The whole entry, BSON with escaped keys (`detail` is user data); JSON text from the previous release. */
  entry: unknown;
}

interface FireDocument extends Omit<ScheduleFire, 'fireAt'> {
  /** `<coworkerId>:<jobId>:<fireAt in epoch ms>`: ids are slugs without ':', so this is unambiguous. */
  _id: string;
  /** A Date; a double from the previous release. */
  fireAt: Date | number;
}

/**
 * How old a version must be before the versions below it count as superseded when pruning: a
 * newer version may still be a writer's insert that is about to be deleted as off the line (see
 * mongo.snapshot-writer.ts), so only one that has stood this long proves its line. Generous, for
 * clocks that disagree between runtimes.
 */
const SETTLED_MS = 5 * 60_000;

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
  const documents = options.db.collection<StoredDocument>('documents');
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
    await audit.createIndex({ coworkerId: 1, jobId: 1, at: 1 });
    await audit.createIndex({ at: 1 }); // pruning
    await fires.createIndex({ coworkerId: 1, jobId: 1, fireAt: -1 });
    await fires.createIndex({ fireAt: 1 }); // pruning
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

  /**
   * Fires before the cutoff, except each job's latest. FerretDB 1.x has no $max or $first in
   * $group, so the jobs come from one $group and each job's latest from its index.
   */
  async function pruneFires(cutoff: number | undefined): Promise<number> {
    if (cutoff === undefined) return 0;
    const jobs = await fires.aggregate<{ _id: { coworkerId: string; jobId: string } }>([{ $group: { _id: { coworkerId: '$coworkerId', jobId: '$jobId' }, count: { $sum: 1 } } }]).toArray();
    const latest = await Promise.all(
      jobs.map(async ({ _id: { coworkerId, jobId } }) => (await fires.find({ coworkerId, jobId }, { projection: { _id: 1 } }).sort({ fireAt: -1 }).limit(1).toArray())[0]?._id),
    );
    const keep = latest.filter((id): id is string => id !== undefined);
    return (await fires.deleteMany({ ...timeRange('fireAt', { to: cutoff }), _id: { $nin: keep } })).deletedCount;
  }

  /**
   * Every version below each coworker's newest settled one, read from the store itself: the
   * writer prunes in the background from memory, so a crash leaves superseded versions behind.
   */
  async function pruneSnapshots(): Promise<number> {
    // This process's own background pruning first: what it is deleting need not wait for settling.
    await writer.settle();
    const versions = await snapshots.find({}, { projection: { coworker: 1, version: 1, updatedAt: 1 } }).toArray();
    const settledBefore = Date.now() - SETTLED_MS;
    const settled = newestByCoworker(versions.filter((document) => fromTime(document.updatedAt) < settledBefore));
    const superseded = versions.filter((document) => document.version < (settled.get(document.coworker)?.version ?? 0));
    if (superseded.length === 0) return 0;
    return (await snapshots.deleteMany({ _id: { $in: superseded.map((document) => document._id) } })).deletedCount;
  }

  function toDocument(definition: CoworkerDefinition): CoworkerDocument {
    const { id, name, role, team, manager } = definition;
    return { _id: id, definition: toStored(definition), name, role, team, manager: { name: manager.name, id: personId(manager) }, updatedAt: new Date() };
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
        definition: fromStored<CoworkerDefinition>(document.definition),
        version: latest?.version ?? 0,
        snapshot: latest ? (typeof latest.snapshot === 'string' ? parsedOrText(latest.snapshot) : fromStored(latest.snapshot)) : null,
        status: latest?.status ? statusFromStored(latest.status) : null,
        updatedAt: fromTime(latest?.updatedAt ?? document.updatedAt),
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
          return { id: _id, name, role, team, manager: { name: manager.name, id: manager.id }, status: latest?.status ? statusFromStored(latest.status) : null, updatedAt: fromTime(latest?.updatedAt ?? document.updatedAt) };
        });
      }),

    appendAudit: (entries) =>
      guarded(async () => {
        if (entries.length === 0) return;
        await ensureIndex();
        const documents = entries.map(
          (entry): AuditDocument => ({ _id: entry.id, coworkerId: entry.coworkerId, at: new Date(entry.at), runId: entry.runId, jobId: entry.jobId, entry: toStored(entry) }),
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
        if (from !== undefined || to !== undefined) Object.assign(filter, timeRange('at', { from, to }));
        // The newest `limit` entries, then turned back to oldest first. BSON sorts every Date after
        // every number, and entries of the previous release (doubles) are older than this one's.
        const newest = await audit.find(filter, { projection: { entry: 1 } }).sort({ at: -1, _id: -1 }).limit(limit).toArray();
        return newest.reverse().map((document) => fromStored<AuditEntry>(document.entry));
      }),

    recordFire: (fire) =>
      guarded(async () => {
        await ensureIndex();
        const { coworkerId, jobId, fireAt, recordedBy } = fire;
        try {
          await fires.insertOne({ _id: `${coworkerId}:${jobId}:${fireAt}`, coworkerId, jobId, fireAt: new Date(fireAt), recordedBy });
          return true;
        } catch (error) {
          if (onlyDuplicates(error)) return false;
          throw error;
        }
      }),

    lastFire: (coworkerId, jobId) =>
      guarded(async () => {
        await ensureIndex();
        // Dates sort after the previous release's doubles, which are older fires.
        const [latest] = await fires.find({ coworkerId, jobId }, { projection: { fireAt: 1 } }).sort({ fireAt: -1 }).limit(1).toArray();
        return latest ? fromTime(latest.fireAt) : null;
      }),

    prune: (cutoffs) =>
      guarded(async () => {
        await ensureIndex();
        // One deleteMany each: FerretDB 1.x answers a delete by scanning the collection.
        const audited = cutoffs.audit === undefined ? 0 : (await audit.deleteMany(timeRange('at', { to: cutoffs.audit }))).deletedCount;
        return { audit: audited, fires: await pruneFires(cutoffs.fires), snapshots: await pruneSnapshots() };
      }),

    size: () =>
      guarded(async () => {
        const stats = await options.db.command({ dbStats: 1 });
        const names = ['coworkers', 'snapshots', 'audit', 'scheduleFires'] as const;
        const counts = await Promise.all(names.map((name) => options.db.collection(name).countDocuments()));
        const rows: Record<string, number> = Object.fromEntries(names.map((name, index) => [name, counts[index]!]));
        const perCollection = await documents.aggregate<{ _id: string; count: number }>([{ $group: { _id: '$collection', count: { $sum: 1 } } }]).toArray();
        for (const { _id, count } of perCollection) rows[`documents:${_id}`] = count;
        // totalSize (storage and indexes) where the server reports it (MongoDB 4.4+, FerretDB), else the sum.
        const bytes = Number(stats.totalSize ?? Number(stats.storageSize ?? stats.dataSize ?? 0) + Number(stats.indexSize ?? 0));
        return { bytes, rows };
      }),

    // The MongoClient belongs to the caller; only background pruning needs to finish.
    close: () => writer.settle(),
  };
}
