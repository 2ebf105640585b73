// Snapshot writes for MongoDB-wire servers: every version is a new document `<id>@<version>`,
// and saves made in the same tick go out together in one unordered insertMany.
//
// Why inserts: a unique _id makes compare-and-set atomic on every server. FerretDB 1.x applies a
// guarded update as read-then-write (two writers that read the same version both pass the guard)
// and its updates and deletes scan the whole collection, while inserts take constant time.
// After the insert, a read of the coworker's versions confirms that the expected version is
// there and nothing newer: that refuses a writer that was far behind (its `<id>@<version>` was
// free only because old versions are pruned) or ahead. The same read carries each version's
// fencing token: a write whose fence is smaller than one already there is refused as FENCED (its
// process lost its lease), and its insert deleted like any other that is off the line.
import { isDeepStrictEqual } from 'node:util';
import { MongoBulkWriteError, type Collection } from 'mongodb';
import type { CoworkerStatus } from '../protocol/index.ts';
import { fromStored, statusToStored, toStored } from './mongo.codec.ts';
import { DUPLICATE_KEY } from './mongo.errors.ts';
import { coworkerNotFound, fenced, versionConflict } from './store.errors.ts';

export interface SnapshotDocument {
  _id: string;
  coworker: string;
  version: number;
  /** The snapshot as BSON with escaped keys (mongo.codec.ts); JSON text in versions of the previous release. */
  snapshot: unknown;
  /** The status with its times as Dates (mongo.codec.ts statusToStored); numbers in versions of the previous release. */
  status: Record<string, unknown>;
  /** A Date; a double in versions of the previous release. */
  updatedAt: Date | number;
  /** The writer's fencing token; absent in versions written before fencing (read as 0). */
  fence?: number;
}

interface PendingSave {
  document: SnapshotDocument;
  resolve: (version: number) => void;
  reject: (error: unknown) => void;
}

const MAX_BATCH = 500;

export function versionId(coworkerId: string, version: number): string {
  return `${coworkerId}@${version}`;
}

/** The newest version of each coworker among the given documents. */
export function newestByCoworker<T extends { coworker: string; version: number }>(documents: T[]): Map<string, T> {
  const newest = new Map<string, T>();
  for (const document of documents) {
    const seen = newest.get(document.coworker);
    if (!seen || document.version > seen.version) newest.set(document.coworker, document);
  }
  return newest;
}

export function createSnapshotWriter(options: {
  snapshots: Collection<SnapshotDocument>;
  coworkerExists: (ids: string[]) => Promise<Set<string>>;
  translate: (error: unknown) => unknown;
}) {
  const { snapshots } = options;
  let pending: PendingSave[] = [];
  let scheduled = false;
  /** Superseded versions, deleted in the background a batch at a time. */
  let superseded: string[] = [];
  let pruning: Promise<void> | null = null;

  async function insertAll(batch: PendingSave[]): Promise<Map<PendingSave, unknown>> {
    const failures = new Map<PendingSave, unknown>();
    try {
      await snapshots.insertMany(batch.map((save) => save.document), { ordered: false });
    } catch (error) {
      if (!(error instanceof MongoBulkWriteError)) throw error;
      const duplicates: PendingSave[] = [];
      for (const writeError of [error.writeErrors].flat()) {
        const save = batch[writeError.index]!;
        if (writeError.code === DUPLICATE_KEY) duplicates.push(save);
        else failures.set(save, options.translate(error));
      }
      // The same version with the same content and fence is already there (an earlier attempt that
      // failed after inserting): the save is done. Anything else is a conflict.
      const existing = await snapshots.find({ _id: { $in: duplicates.map((save) => save.document._id) } }).toArray();
      const stored = new Map(existing.map((document) => [document._id, document]));
      const sameWrite = (save: PendingSave) => {
        const found = stored.get(save.document._id);
        return found !== undefined && (found.fence ?? 0) === save.document.fence && isDeepStrictEqual(fromStored(found.snapshot), fromStored(save.document.snapshot));
      };
      for (const save of duplicates) if (!sameWrite(save) || duplicates.filter((other) => other.document._id === save.document._id).length > 1) failures.set(save, 'conflict');
    }
    return failures;
  }

  async function flush(): Promise<void> {
    scheduled = false;
    const batch = pending.splice(0, MAX_BATCH);
    if (pending.length > 0) schedule();
    try {
      const known = await options.coworkerExists([...new Set(batch.map((save) => save.document.coworker))]);
      const missing = batch.filter((save) => !known.has(save.document.coworker));
      for (const save of missing) save.reject(coworkerNotFound(save.document.coworker));
      const writes = batch.filter((save) => known.has(save.document.coworker));
      if (writes.length === 0) return;
      const failures = await insertAll(writes);
      const ids = writes.map((save) => save.document.coworker);
      const versions = await snapshots.find({ coworker: { $in: ids } }, { projection: { coworker: 1, version: 1, fence: 1 } }).toArray();
      const outcomes = writes.map((save) => {
        const { coworker, version, fence = 0 } = save.document;
        const documents = versions.filter((document) => document.coworker === coworker);
        const mine = documents.map((document) => document.version);
        const failure = failures.get(save);
        if (failure !== undefined && failure !== 'conflict') return { save, error: failure };
        // Every version but this save's own insert (after a conflict, the one at `version` is another writer's).
        const others = failure === undefined ? documents.filter((document) => document.version !== version) : documents;
        const highestFence = Math.max(0, ...others.map((document) => document.fence ?? 0));
        if (highestFence > fence) return { save, error: fenced(coworker, highestFence, fence), orphan: failure === undefined };
        const previous = Math.max(0, ...mine.filter((v) => v !== version));
        const onLine = failure === undefined && previous === version - 1;
        return onLine
          ? { save, superseded: versionId(coworker, version - 1) }
          : // When another writer holds this very version, it is the newest there is (older ones may be pruned).
            { save, error: versionConflict(coworker, version - 1, failure === 'conflict' ? Math.max(0, ...mine) : previous), orphan: failure === undefined };
      });
      // An insert that is not on the coworker's line must go before anyone reads it as newest.
      const orphans = outcomes.filter((outcome) => outcome.orphan).map((outcome) => outcome.save.document._id);
      if (orphans.length > 0) await snapshots.deleteMany({ _id: { $in: orphans } });
      for (const outcome of outcomes) {
        if (outcome.error !== undefined) outcome.save.reject(outcome.error);
        else {
          superseded.push(outcome.superseded!);
          outcome.save.resolve(outcome.save.document.version);
        }
      }
      prune();
    } catch (error) {
      for (const save of batch) save.reject(options.translate(error));
    }
  }

  function schedule(): void {
    if (scheduled) return;
    scheduled = true;
    setImmediate(() => void flush());
  }

  function prune(): void {
    if (pruning || superseded.length === 0) return;
    const ids = superseded;
    superseded = [];
    pruning = snapshots
      .deleteMany({ _id: { $in: ids } })
      .then(
        () => {
          pruning = null;
          prune(); // versions superseded while this pass ran
        },
        () => {
          pruning = null;
          superseded.push(...ids); // tried again with the next batch
        },
      );
  }

  return {
    save(coworkerId: string, expectedVersion: number, snapshot: unknown, status: CoworkerStatus, fence: number): Promise<number> {
      const version = expectedVersion + 1;
      const document: SnapshotDocument = {
        _id: versionId(coworkerId, version),
        coworker: coworkerId,
        version,
        snapshot: toStored(snapshot),
        status: statusToStored(status),
        updatedAt: new Date(),
        fence,
      };
      return new Promise((resolve, reject) => {
        pending.push({ document, resolve, reject });
        if (pending.length >= MAX_BATCH) void flush();
        else schedule();
      });
    },
    /** Waits for the background pruning, so a caller can close the client after. */
    async settle(): Promise<void> {
      // A pass that ends starts the next one for what was superseded meanwhile: wait for them all.
      while (pruning) await pruning;
    },
  };
}
