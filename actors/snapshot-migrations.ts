// Stored snapshots outlive releases. Each carries `schemaVersion` (none means 1, the format before
// versions); a release that changes the machine (states, context) or the run state bumps
// SNAPSHOT_SCHEMA_VERSION and appends the migration from the previous version, so a snapshot any
// earlier release wrote is brought up to date at restore, before XState sees it.
import { CoworkersError } from '../protocol/index.ts';

/** The version this release writes. */
export const SNAPSHOT_SCHEMA_VERSION = 1;

/** The stored JSON (`{ schemaVersion?, machine, outbox }`), as plain data. */
export type StoredJson = Record<string, unknown>;

/** Pure: takes a snapshot of version n to version n + 1 (without touching `schemaVersion`). */
export type SnapshotMigration = (stored: StoredJson) => StoredJson;

/** `snapshotMigrations[n - 1]` takes version n to n + 1; its length is SNAPSHOT_SCHEMA_VERSION - 1. */
export const snapshotMigrations: readonly SnapshotMigration[] = [];

export interface MigrationPlan {
  current: number;
  migrations: readonly SnapshotMigration[];
}

const releasePlan: MigrationPlan = { current: SNAPSHOT_SCHEMA_VERSION, migrations: snapshotMigrations };

/** The version a stored snapshot says it has; null when it is not a snapshot at all. */
export function schemaVersionOf(stored: unknown): number | null {
  if (typeof stored !== 'object' || stored === null || Array.isArray(stored)) return null;
  const version = (stored as StoredJson).schemaVersion;
  if (version === undefined) return 1;
  return Number.isInteger(version) && (version as number) >= 1 ? (version as number) : null;
}

/**
 * Brings a stored snapshot to the current version. Throws a CoworkersError (not retryable) for
 * what no migration can read: not a snapshot, or a version newer than this release knows.
 */
export function migrateSnapshot(stored: unknown, plan: MigrationPlan = releasePlan): StoredJson & { schemaVersion: number } {
  const from = schemaVersionOf(stored);
  if (from === null) {
    throw new CoworkersError('INTERNAL', 'the stored snapshot is not a snapshot (no object with a schema version)', {
      hint: 'restore this coworker from a backup of the store',
    });
  }
  if (from > plan.current) {
    throw new CoworkersError('INTERNAL', `the stored snapshot has schema version ${from}; this release reads up to ${plan.current}`, {
      hint: `run the release that wrote it (or a newer one), or restore this coworker from a backup made by this release`,
    });
  }
  let snapshot = stored as StoredJson;
  for (let version = from; version < plan.current; version++) {
    const migration = plan.migrations[version - 1];
    if (!migration) throw new CoworkersError('INTERNAL', `no migration from snapshot schema version ${version}`, { hint: 'this release is missing a migration: report it' });
    snapshot = migration(snapshot);
  }
  return { ...snapshot, schemaVersion: plan.current };
}
