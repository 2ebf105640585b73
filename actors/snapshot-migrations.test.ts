import { describe, expect, it } from 'vitest';
import { isCoworkersError } from '../protocol/index.ts';
import { SNAPSHOT_SCHEMA_VERSION, migrateSnapshot, schemaVersionOf, snapshotMigrations, type SnapshotMigration, type StoredJson } from './snapshot-migrations.ts';
import { readStoredSnapshot } from './snapshot-restore.ts';

const v1 = { machine: { value: { status: 'idle', shift: 'onDuty' }, context: { backlog: [] } }, outbox: [] };

// How a release ships a rename: version 2 calls `idle` `resting`. The migration rewrites the
// state value (and nothing else); XState then restores the snapshot as the new machine knows it.
const renameIdle: SnapshotMigration = (stored) => {
  const machine = stored.machine as { value: { status: string } };
  const status = machine.value.status === 'idle' ? 'resting' : machine.value.status;
  return { ...stored, machine: { ...machine, value: { ...machine.value, status } } };
};
const release2 = { current: 2, migrations: [renameIdle] };

describe('snapshot migrations', () => {
  it('has one migration per version step of this release', () => {
    expect(snapshotMigrations).toHaveLength(SNAPSHOT_SCHEMA_VERSION - 1);
  });

  it('reads a snapshot without a version as version 1, and stamps the current one', () => {
    expect(schemaVersionOf(v1)).toBe(1);
    expect(migrateSnapshot(v1)).toEqual({ ...v1, schemaVersion: SNAPSHOT_SCHEMA_VERSION });
  });

  it('runs a release\'s migrations in order, without changing its input', () => {
    const input = structuredClone(v1);
    const migrated = migrateSnapshot(input, release2);
    expect(migrated).toEqual({ ...v1, schemaVersion: 2, machine: { ...v1.machine, value: { status: 'resting', shift: 'onDuty' } } });
    expect(input).toEqual(v1);
    // Already at version 2: nothing to run.
    expect(migrateSnapshot(migrated, release2)).toEqual(migrated);
  });

  it('chains migrations from any older version', () => {
    const addNotes: SnapshotMigration = (stored) => ({ ...stored, notes: [] });
    const migrated = migrateSnapshot(v1, { current: 3, migrations: [renameIdle, addNotes] }) as StoredJson;
    expect(migrated).toMatchObject({ schemaVersion: 3, notes: [], machine: { value: { status: 'resting' } } });
  });

  it('refuses a version from the future and what is not a snapshot, with a hint', () => {
    for (const stored of [{ ...v1, schemaVersion: 7 }, 'garbage', [1], { ...v1, schemaVersion: 'two' }, { ...v1, schemaVersion: 0 }]) {
      let thrown: unknown;
      try {
        migrateSnapshot(stored);
      } catch (error) {
        thrown = error;
      }
      expect(isCoworkersError(thrown, 'INTERNAL') && thrown.hint).toBeTruthy();
    }
    expect(() => migrateSnapshot({ ...v1, schemaVersion: 7 })).toThrow(`schema version 7; this release reads up to ${SNAPSHOT_SCHEMA_VERSION}`);
  });

  it('says what needs attention: the version, the error and what to do', () => {
    expect(readStoredSnapshot(null)).toEqual({ ok: true, snapshot: null });
    expect(readStoredSnapshot({ ...v1, schemaVersion: 9 })).toEqual({
      ok: false,
      attention: { schemaVersion: 9, error: expect.stringContaining('schema version 9'), hint: expect.stringContaining('release that wrote it') },
    });
    expect(readStoredSnapshot('{not json')).toMatchObject({ ok: false, attention: { schemaVersion: null, error: expect.stringContaining('not a snapshot') } });
    expect(readStoredSnapshot({ machine: 'x', outbox: [] })).toMatchObject({ ok: false, attention: { schemaVersion: 1, error: expect.stringContaining('no machine state') } });
  });
});
