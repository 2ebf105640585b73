// The store port: where coworkers live between restarts. Two adapters implement it: MongoDB
// (the official driver; single-document atomic operations only, so it also runs on
// MongoDB-compatible servers such as FerretDB) and SQLite (the built-in node:sqlite).
import type { AuditEntry, AuditQuery, CoworkerDefinition, CoworkerStatus } from '../protocol/index.ts';
import type { Documents } from './documents.port.ts';

export interface CoworkerRecord {
  id: string;
  definition: CoworkerDefinition;
  /** Bumped by every snapshot write; 0 before the first one. */
  version: number;
  /**
   * XState persisted snapshot, or null before the first write. A stored snapshot that is not
   * valid JSON comes back as its text, so the host leaves only that coworker out (needs attention).
   */
  snapshot: unknown;
  status: CoworkerStatus | null;
  updatedAt: number;
  /** The fencing token of the newest snapshot write; 0 before the first one and for older data. */
  fence: number;
}

export interface CoworkerSummary {
  id: string;
  name: string;
  role: string;
  team: string;
  /** The manager's name and person id (`personId`: Slack id, else Teams id). */
  manager: { name: string; id: string };
  status: CoworkerStatus | null;
  updatedAt: number;
}

/** One fire of a job's schedule; its id is `<coworkerId>:<jobId>:<fireAt>`. */
export interface ScheduleFire {
  coworkerId: string;
  jobId: string;
  /** The scheduled time (epoch ms), not the moment a runtime noticed it. */
  fireAt: number;
  /** Which runtime recorded it first (for people reading the store). */
  recordedBy: string;
}

/** What `Store.prune` deletes: entries and fires older than the cutoff (epoch ms); absent = keep all. */
export interface PruneCutoffs {
  audit?: number;
  fires?: number;
}

/** How many of each `Store.prune` deleted. */
export interface PruneResult {
  audit: number;
  fires: number;
  snapshots: number;
}

export interface StoreSize {
  /** The store's size on disk (data and indexes), as the database reports it. */
  bytes: number;
  /**
   * Rows per table or collection: `coworkers`, `snapshots`, `audit`, `scheduleFires`, and one
   * `documents:<collection>` per document collection.
   */
  rows: Record<string, number>;
}

export interface Store {
  /** Insert or update coworkers' definitions in one go; their snapshots and versions are kept. */
  registerCoworkers(definitions: CoworkerDefinition[]): Promise<void>;
  getCoworker(id: string): Promise<CoworkerRecord | null>;
  /** Every registered coworker, or those with the given ids, in one round trip. */
  loadCoworkers(ids?: string[]): Promise<CoworkerRecord[]>;
  /**
   * Compare-and-set: writes only if the stored version equals `expectedVersion`, and returns
   * the new version. Rejects with VERSION_CONFLICT otherwise (another writer got there first)
   * and COWORKER_NOT_FOUND for an unregistered id.
   *
   * `fence` is the writer's fencing token (its shard lease's revision; 0, the default, in
   * single-process mode). The store keeps the fence of the newest write and rejects a write with
   * a smaller one with FENCED, before looking at the version: its writer lost its lease to a
   * newer owner. An equal or greater fence passes and becomes the stored one.
   */
  saveSnapshot(id: string, expectedVersion: number, snapshot: unknown, status: CoworkerStatus, fence?: number): Promise<number>;
  listCoworkers(): Promise<CoworkerSummary[]>;
  /** Appends audit entries; an entry whose id is already stored is skipped (replays, re-runs). */
  appendAudit(entries: AuditEntry[]): Promise<void>;
  /** One coworker's entries, oldest first (by time, then id), filtered by run, job and time. */
  queryAudit(query: AuditQuery): Promise<AuditEntry[]>;
  /** Records a schedule fire; false when this fire was recorded before, by any runtime. */
  recordFire(fire: ScheduleFire): Promise<boolean>;
  /** The latest recorded fire time of a job, or null if it never fired. */
  lastFire(coworkerId: string, jobId: string): Promise<number | null>;
  /**
   * Retention, for a pruner that runs on a schedule (no TTL indexes: FerretDB has none): deletes
   * audit entries with `at` before `cutoffs.audit`, schedule fires with `fireAt` before
   * `cutoffs.fires` except each job's latest (which `lastFire` answers), and every superseded
   * snapshot version the store still holds (found from the store, so a crashed writer's leave
   * none behind). Returns how many of each it deleted.
   */
  prune(cutoffs: PruneCutoffs): Promise<PruneResult>;
  /** The store's size on disk and its row counts, for the bench and operators. */
  size(): Promise<StoreSize>;
  /** Plain JSON records for the built-in CRM and connectors' executed keys. */
  readonly documents: Documents;
  close(): Promise<void>;
}
