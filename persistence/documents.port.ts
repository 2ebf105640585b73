// Documents: plain JSON records by collection and id, for the parts of the product that keep
// their own data in the project's store (the built-in CRM, connectors' executed idempotency keys).
// Kept deliberately small so both adapters (SQLite, MongoDB-compatible) do it the same way.

export interface Documents {
  get<T>(collection: string, id: string): Promise<T | null>;
  /** Creates the document, atomically: false (and nothing written) when the id exists. */
  insert(collection: string, id: string, document: unknown): Promise<boolean>;
  /** Creates or replaces the document. */
  put(collection: string, id: string, document: unknown): Promise<void>;
  delete(collection: string, id: string): Promise<void>;
  /**
   * Retention: deletes the collection's documents last written (`put`, `insert`) before `before`
   * (epoch ms) and returns how many. A document written before the store kept write times counts
   * as written at the first call that meets it.
   */
  deleteOlderThan(collection: string, before: number): Promise<number>;
  /** Every document of the collection, by id. */
  list<T>(collection: string): Promise<T[]>;
}
