// The console's own audit trail: sign-ins, sign-outs (and sessions an admin ended) and refusals,
// stored under the reserved coworker id "console" (`coworkers audit console`). Written straight
// to the store: a gateway may not publish audit events on the bus. Refusals are limited per
// person or address, so a flood of them writes a few entries and a count, not thousands.
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { Store } from '../../persistence/index.ts';
import { CONSOLE_AUDIT_ID, type AuditKind } from '../../protocol/index.ts';

export type ConsoleAuditKind = Extract<AuditKind, `console.${string}`>;

export interface ConsoleAuditRecord {
  kind: ConsoleAuditKind;
  /** The person's id (personId), or for someone not signed in "unknown". */
  by: string;
  summary: string;
  detail?: Record<string, unknown>;
}

/** Refusals written per key (person or address) per window; more are counted into the next one written. */
const REFUSALS_PER_WINDOW = 10;
const REFUSAL_WINDOW_MS = 60_000;
const REFUSAL_KEYS_KEPT = 10_000;

export interface ConsoleAuditDeps {
  store: Pick<Store, 'appendAudit'>;
  logger: Logger;
  now: () => number;
}

/** Appends one entry to the console's audit trail; a store failure is logged, never thrown at the person. */
export async function auditConsole(deps: ConsoleAuditDeps, record: ConsoleAuditRecord): Promise<void> {
  try {
    await deps.store.appendAudit([
      { id: randomUUID(), coworkerId: CONSOLE_AUDIT_ID, at: deps.now(), kind: record.kind, by: record.by, summary: record.summary, ...(record.detail ? { detail: record.detail } : {}) },
    ]);
  } catch (error) {
    deps.logger.error({ err: error, kind: record.kind, by: record.by }, 'console audit entry not stored');
  }
}

export interface RefusalAudit {
  /** Audits a refusal unless this key already had its share in the current window. */
  refused(key: string, record: Omit<ConsoleAuditRecord, 'kind'>): Promise<void>;
}

export function createRefusalAudit(deps: ConsoleAuditDeps): RefusalAudit {
  const windows = new Map<string, { start: number; written: number; suppressed: number }>();
  return {
    async refused(key, record) {
      const now = deps.now();
      let window = windows.get(key);
      if (!window || now - window.start >= REFUSAL_WINDOW_MS) {
        const suppressed = window?.suppressed ?? 0;
        window = { start: now, written: 0, suppressed };
        windows.delete(key);
        windows.set(key, window);
        if (windows.size > REFUSAL_KEYS_KEPT) windows.delete(windows.keys().next().value!);
      }
      if (window.written >= REFUSALS_PER_WINDOW) {
        if (window.suppressed++ === 0) deps.logger.warn({ key }, 'console refusals: too many to audit each; counting the rest');
        return;
      }
      window.written += 1;
      const suppressed = window.suppressed;
      window.suppressed = 0;
      await auditConsole(deps, { ...record, kind: 'console.refused', ...(suppressed ? { detail: { ...record.detail, notAuditedBefore: suppressed } } : {}) });
    },
  };
}
