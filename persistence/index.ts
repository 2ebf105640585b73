export type { CoworkerRecord, CoworkerSummary, PruneCutoffs, PruneResult, ScheduleFire, Store, StoreSize } from './store.port.ts';
export { createSqliteStore, type SqliteStoreOptions } from './sqlite.store.ts';
export { createMongoStore, type MongoStoreOptions } from './mongo.store.ts';
export type { Documents } from './documents.port.ts';
