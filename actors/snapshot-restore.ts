// Reading a stored snapshot at restore: migrated to this release's schema version and checked
// for the shape the cell needs. What cannot be read puts only its coworker into "needs
// attention" (not started, its commands left on the bus), never the whole host.
import { CoworkersError, type CoworkerStatus } from '../protocol/index.ts';
import type { StoredSnapshot } from './coworker-cell.ts';
import { migrateSnapshot, schemaVersionOf } from './snapshot-migrations.ts';

export type Attention = NonNullable<CoworkerStatus['attention']>;

export type StoredRead = { ok: true; snapshot: StoredSnapshot | null } | { ok: false; attention: Attention };

/** The hint when the snapshot is readable JSON of a known version that still does not restore. */
const RESTORE_HINT = 'restore this coworker from a backup of the store, or run the release that wrote it; its commands wait on the bus meanwhile';

export function readStoredSnapshot(stored: unknown): StoredRead {
  if (stored === null || stored === undefined) return { ok: true, snapshot: null };
  try {
    if (typeof stored === 'string') throw new CoworkersError('INTERNAL', `the stored value is text, not a snapshot (it starts "${stored.slice(0, 40)}")`, { hint: RESTORE_HINT });
    const migrated = migrateSnapshot(stored);
    const machine = migrated.machine as { value?: unknown } | undefined;
    if (typeof machine?.value !== 'object' || machine.value === null || !Array.isArray(migrated.outbox)) {
      throw new CoworkersError('INTERNAL', 'the stored snapshot has no machine state or outbox', { hint: RESTORE_HINT });
    }
    return { ok: true, snapshot: migrated as unknown as StoredSnapshot };
  } catch (error) {
    return { ok: false, attention: attentionOf(error, schemaVersionOf(stored)) };
  }
}

export function attentionOf(error: unknown, schemaVersion: number | null): Attention {
  const message = error instanceof Error ? error.message : String(error);
  const hint = error instanceof CoworkersError && error.hint ? error.hint : RESTORE_HINT;
  return { error: message, schemaVersion, hint };
}

/** What the store shows for a coworker that needs attention: its last stored status, marked. */
export function attentionStatus(previous: CoworkerStatus | null, attention: Attention, now: number): CoworkerStatus {
  const { attention: _previous, ...last } = previous ?? { state: { status: 'idle', shift: 'offDuty' }, since: now, backlog: 0 };
  return { ...last, attention };
}
