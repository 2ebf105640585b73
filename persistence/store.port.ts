// The store port: where coworkers live between restarts. Two adapters implement it: MongoDB
// (the official driver; single-document atomic operations only, so it also runs on
// MongoDB-compatible servers such as FerretDB) and SQLite (the built-in node:sqlite).
import type { CoworkerDefinition, CoworkerStatus } from '../protocol/index.ts';

export interface CoworkerRecord {
  id: string;
  definition: CoworkerDefinition;
  /** Bumped by every snapshot write; 0 before the first one. */
  version: number;
  /** XState persisted snapshot, or null before the first write. */
  snapshot: unknown;
  status: CoworkerStatus | null;
  updatedAt: number;
}

export interface CoworkerSummary {
  id: string;
  name: string;
  role: string;
  team: string;
  manager: { name: string; slack: string };
  status: CoworkerStatus | null;
  updatedAt: number;
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
   */
  saveSnapshot(id: string, expectedVersion: number, snapshot: unknown, status: CoworkerStatus): Promise<number>;
  listCoworkers(): Promise<CoworkerSummary[]>;
  close(): Promise<void>;
}
