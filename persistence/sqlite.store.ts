// The embedded store: one SQLite file through the built-in node:sqlite, no server to install.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import type { AuditEntry, AuditQuery, CoworkerDefinition, CoworkerStatus } from '../protocol/index.ts';
import { addColumn } from './sqlite.columns.ts';
import { createSqliteDocuments } from './sqlite.documents.ts';
import { coworkerNotFound, fenced, versionConflict } from './store.errors.ts';
import { parsedOrText } from './stored-json.ts';
import type { CoworkerRecord, CoworkerSummary, Store } from './store.port.ts';

export interface SqliteStoreOptions {
  /** Database file, created with its folder if missing; ':memory:' for a throwaway store. */
  path: string;
}

/** How long a write waits for another connection's lock before SQLite gives up. */
const BUSY_TIMEOUT_MS = 5_000;

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS coworkers (
    id TEXT PRIMARY KEY,
    definition TEXT NOT NULL,
    version INTEGER NOT NULL,
    snapshot TEXT,
    status TEXT,
    updated_at INTEGER NOT NULL,
    fence INTEGER NOT NULL DEFAULT 0
  ) STRICT;
  CREATE TABLE IF NOT EXISTS audit (
    id TEXT PRIMARY KEY,
    coworker_id TEXT NOT NULL,
    at INTEGER NOT NULL,
    run_id TEXT,
    job_id TEXT,
    entry TEXT NOT NULL
  ) STRICT;
  CREATE INDEX IF NOT EXISTS audit_by_time ON audit (coworker_id, at, id);
  CREATE INDEX IF NOT EXISTS audit_by_run ON audit (coworker_id, run_id);
  CREATE INDEX IF NOT EXISTS audit_by_job ON audit (coworker_id, job_id);
  CREATE INDEX IF NOT EXISTS audit_for_pruning ON audit (at);
  CREATE TABLE IF NOT EXISTS schedule_fires (
    coworker_id TEXT NOT NULL,
    job_id TEXT NOT NULL,
    fire_at INTEGER NOT NULL,
    recorded_by TEXT NOT NULL,
    PRIMARY KEY (coworker_id, job_id, fire_at)
  ) STRICT;
  CREATE INDEX IF NOT EXISTS fires_for_pruning ON schedule_fires (fire_at)`;

const DEFAULT_AUDIT_LIMIT = 1_000;

interface CoworkerRow {
  id: string;
  definition: string;
  version: number;
  snapshot: string | null;
  status: string | null;
  updated_at: number;
  fence: number;
}

interface SummaryRow {
  id: string;
  name: string;
  role: string;
  team: string;
  manager_name: string;
  manager_id: string;
  status: string | null;
  updated_at: number;
}

const RECORD_COLUMNS = 'id, definition, version, snapshot, status, updated_at, fence';

const AUDIT_CONDITIONS = { run: 'run_id = :run', job: 'job_id = :job', from: 'at >= :from', to: 'at < :to' };

export function createSqliteStore(options: SqliteStoreOptions): Store {
  if (options.path !== ':memory:') mkdirSync(dirname(options.path), { recursive: true });
  const db = new DatabaseSync(options.path, { timeout: BUSY_TIMEOUT_MS });
  // WAL lets readers (a second process, the CLI) read while the runtime writes.
  db.exec('PRAGMA journal_mode = WAL');
  db.exec(SCHEMA);
  // Files written before fencing have no `fence` column: 0 for every coworker.
  addColumn(db, 'coworkers', 'fence', 'INTEGER NOT NULL DEFAULT 0');
  const documents = createSqliteDocuments(db);

  const register = db.prepare(`
    INSERT INTO coworkers (id, definition, version, snapshot, status, updated_at) VALUES (?, ?, 0, NULL, NULL, ?)
    ON CONFLICT (id) DO UPDATE SET definition = excluded.definition, updated_at = excluded.updated_at`);
  const selectOne = db.prepare(`SELECT ${RECORD_COLUMNS} FROM coworkers WHERE id = ?`);
  const selectAll = db.prepare(`SELECT ${RECORD_COLUMNS} FROM coworkers ORDER BY id`);
  // One JSON array parameter instead of a statement per list length.
  const selectByIds = db.prepare(
    `SELECT ${RECORD_COLUMNS} FROM coworkers WHERE id IN (SELECT value FROM json_each(?)) ORDER BY id`,
  );
  const compareAndSet = db.prepare(`
    UPDATE coworkers SET snapshot = ?, status = ?, version = version + 1, updated_at = ?, fence = ?
    WHERE id = ? AND version = ? AND fence <= ? RETURNING version`);
  const selectVersion = db.prepare('SELECT version, fence FROM coworkers WHERE id = ?');
  const selectSummaries = db.prepare(`
    SELECT id, definition ->> '$.name' AS name, definition ->> '$.role' AS role, definition ->> '$.team' AS team,
      definition ->> '$.manager.name' AS manager_name, coalesce(definition ->> '$.manager.slack', definition ->> '$.manager.teams') AS manager_id,
      status, updated_at
    FROM coworkers ORDER BY id`);
  const insertAudit = db.prepare('INSERT OR IGNORE INTO audit (id, coworker_id, at, run_id, job_id, entry) VALUES (?, ?, ?, ?, ?, ?)');
  const insertFire = db.prepare('INSERT OR IGNORE INTO schedule_fires (coworker_id, job_id, fire_at, recorded_by) VALUES (?, ?, ?, ?)');
  const selectLastFire = db.prepare('SELECT MAX(fire_at) AS last FROM schedule_fires WHERE coworker_id = ? AND job_id = ?');
  const pruneAudit = db.prepare('DELETE FROM audit WHERE at < ?');
  // Each job's latest fire stays, whatever its age: lastFire answers from it.
  const pruneFires = db.prepare(`
    DELETE FROM schedule_fires WHERE fire_at < ? AND fire_at < (
      SELECT MAX(latest.fire_at) FROM schedule_fires AS latest
      WHERE latest.coworker_id = schedule_fires.coworker_id AND latest.job_id = schedule_fires.job_id)`);
  const countRows = db.prepare(`
    SELECT 'coworkers' AS name, COUNT(*) AS count FROM coworkers
    UNION ALL SELECT 'snapshots', COUNT(*) FROM coworkers WHERE snapshot IS NOT NULL
    UNION ALL SELECT 'audit', COUNT(*) FROM audit
    UNION ALL SELECT 'scheduleFires', COUNT(*) FROM schedule_fires
    UNION ALL SELECT 'documents:' || collection, COUNT(*) FROM documents GROUP BY collection`);
  const pageCount = db.prepare('PRAGMA page_count');
  const pageSize = db.prepare('PRAGMA page_size');
  // One statement per combination of filters, so each can use the index that fits it.
  const auditQueries = new Map<string, StatementSync>();

  function transaction(work: () => void): void {
    db.exec('BEGIN');
    try {
      work();
      db.exec('COMMIT');
    } catch (error) {
      db.exec('ROLLBACK');
      throw error;
    }
  }

  function selectAudit(query: AuditQuery): AuditEntry[] {
    const limit = query.limit ?? DEFAULT_AUDIT_LIMIT;
    if (limit <= 0) return [];
    const filters = { run: query.runId, job: query.jobId, from: query.from, to: query.to };
    const present = Object.entries(filters).filter(([, value]) => value !== undefined);
    const key = present.map(([name]) => name).join();
    let statement = auditQueries.get(key);
    if (!statement) {
      const conditions = present.map(([name]) => AUDIT_CONDITIONS[name as keyof typeof filters]);
      // The newest `limit` entries, then turned back to oldest first.
      statement = db.prepare(`
        SELECT entry FROM (
          SELECT entry, at, id FROM audit WHERE ${['coworker_id = :coworker', ...conditions].join(' AND ')}
          ORDER BY at DESC, id DESC LIMIT :limit
        ) ORDER BY at, id`);
      auditQueries.set(key, statement);
    }
    const rows = statement.all({ coworker: query.coworkerId, limit, ...Object.fromEntries(present) });
    return (rows as unknown as Array<{ entry: string }>).map((row) => JSON.parse(row.entry) as AuditEntry);
  }

  function saveOne(id: string, expectedVersion: number, snapshot: unknown, status: CoworkerStatus, fence: number): number {
    const saved = compareAndSet.get(JSON.stringify(snapshot), JSON.stringify(status), Date.now(), fence, id, expectedVersion, fence) as { version: number } | undefined;
    if (saved) return saved.version;
    const current = selectVersion.get(id) as { version: number; fence: number } | undefined;
    if (!current) throw coworkerNotFound(id);
    // A lost lease is the news that matters, whatever the version.
    if (current.fence > fence) throw fenced(id, current.fence, fence);
    throw versionConflict(id, expectedVersion, current.version);
  }

  // Saves made in the same tick share one transaction: one disk sync instead of one each.
  let pending: Array<{ run: () => number; resolve: (version: number) => void; reject: (error: unknown) => void }> = [];
  function commitPending(): void {
    const batch = pending;
    pending = [];
    const outcomes = batch.map(() => ({ version: 0, error: undefined as unknown }));
    try {
      db.exec('BEGIN IMMEDIATE');
      batch.forEach((save, index) => {
        try {
          outcomes[index]!.version = save.run();
        } catch (error) {
          outcomes[index]!.error = error;
        }
      });
      db.exec('COMMIT');
    } catch (error) {
      if (db.isTransaction) db.exec('ROLLBACK');
      for (const save of batch) save.reject(error);
      return;
    }
    batch.forEach((save, index) => (outcomes[index]!.error === undefined ? save.resolve(outcomes[index]!.version) : save.reject(outcomes[index]!.error)));
  }

  return {
    documents,
    async registerCoworkers(definitions) {
      transaction(() => {
        for (const definition of definitions) register.run(definition.id, JSON.stringify(definition), Date.now());
      });
    },

    async getCoworker(id) {
      const row = selectOne.get(id) as CoworkerRow | undefined;
      return row ? toRecord(row) : null;
    },

    async loadCoworkers(ids) {
      const rows = ids ? selectByIds.all(JSON.stringify(ids)) : selectAll.all();
      return (rows as unknown as CoworkerRow[]).map(toRecord);
    },

    saveSnapshot(id, expectedVersion, snapshot, status, fence = 0) {
      return new Promise<number>((resolve, reject) => {
        pending.push({ run: () => saveOne(id, expectedVersion, snapshot, status, fence), resolve, reject });
        if (pending.length === 1) setImmediate(commitPending);
      });
    },

    async listCoworkers() {
      return (selectSummaries.all() as unknown as SummaryRow[]).map(toSummary);
    },

    async appendAudit(entries) {
      transaction(() => {
        for (const entry of entries) insertAudit.run(entry.id, entry.coworkerId, entry.at, entry.runId ?? null, entry.jobId ?? null, JSON.stringify(entry));
      });
    },

    async queryAudit(query) {
      return selectAudit(query);
    },

    async recordFire(fire) {
      return insertFire.run(fire.coworkerId, fire.jobId, fire.fireAt, fire.recordedBy).changes > 0;
    },

    async lastFire(coworkerId, jobId) {
      return (selectLastFire.get(coworkerId, jobId) as { last: number | null }).last;
    },

    async prune(cutoffs) {
      let audit = 0;
      let fires = 0;
      transaction(() => {
        if (cutoffs.audit !== undefined) audit = Number(pruneAudit.run(cutoffs.audit).changes);
        if (cutoffs.fires !== undefined) fires = Number(pruneFires.run(cutoffs.fires).changes);
      });
      // One row per coworker holds only the newest snapshot: nothing is superseded.
      return { audit, fires, snapshots: 0 };
    },

    async size() {
      const rows = Object.fromEntries((countRows.all() as Array<{ name: string; count: number }>).map((row) => [row.name, row.count]));
      const { page_count } = pageCount.get() as { page_count: number };
      const { page_size } = pageSize.get() as { page_size: number };
      // Pages of the database, WAL frames not yet checkpointed excluded: what stays on disk.
      return { bytes: page_count * page_size, rows };
    },

    async close() {
      if (db.isOpen) db.close();
    },
  };
}

function toRecord(row: CoworkerRow): CoworkerRecord {
  return {
    id: row.id,
    definition: JSON.parse(row.definition) as CoworkerDefinition,
    version: row.version,
    snapshot: row.snapshot === null ? null : parsedOrText(row.snapshot),
    status: parseStatus(row.status),
    updatedAt: row.updated_at,
    fence: row.fence,
  };
}

function toSummary(row: SummaryRow): CoworkerSummary {
  return {
    id: row.id,
    name: row.name,
    role: row.role,
    team: row.team,
    manager: { name: row.manager_name, id: row.manager_id },
    status: parseStatus(row.status),
    updatedAt: row.updated_at,
  };
}

function parseStatus(json: string | null): CoworkerStatus | null {
  return json === null ? null : (JSON.parse(json) as CoworkerStatus);
}
