// Documents in the embedded SQLite file: one table, the body as JSON text, and when each document
// was last written (for retention; not part of the document).
import type { DatabaseSync } from 'node:sqlite';
import type { Documents } from './documents.port.ts';
import { addColumn } from './sqlite.columns.ts';

// `updated_at` is NULL for documents written before the store kept write times: the first
// `deleteOlderThan` that meets them stamps them, so retention counts from the upgrade.
const SCHEMA = `
  CREATE TABLE IF NOT EXISTS documents (
    collection TEXT NOT NULL,
    id TEXT NOT NULL,
    body TEXT NOT NULL,
    updated_at INTEGER,
    PRIMARY KEY (collection, id)
  ) STRICT`;

export function createSqliteDocuments(db: DatabaseSync): Documents {
  db.exec(SCHEMA);
  addColumn(db, 'documents', 'updated_at', 'INTEGER');
  db.exec('CREATE INDEX IF NOT EXISTS documents_by_time ON documents (collection, updated_at)');
  const selectOne = db.prepare('SELECT body FROM documents WHERE collection = ? AND id = ?');
  const selectAll = db.prepare('SELECT body FROM documents WHERE collection = ? ORDER BY id');
  const insert = db.prepare('INSERT OR IGNORE INTO documents (collection, id, body, updated_at) VALUES (?, ?, ?, ?)');
  const upsert = db.prepare(
    'INSERT INTO documents (collection, id, body, updated_at) VALUES (?, ?, ?, ?) ON CONFLICT (collection, id) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at',
  );
  const remove = db.prepare('DELETE FROM documents WHERE collection = ? AND id = ?');
  const stampUnknown = db.prepare('UPDATE documents SET updated_at = ? WHERE collection = ? AND updated_at IS NULL');
  const removeOlder = db.prepare('DELETE FROM documents WHERE collection = ? AND updated_at < ?');
  return {
    async get<T>(collection: string, id: string) {
      const row = selectOne.get(collection, id) as { body: string } | undefined;
      return row ? (JSON.parse(row.body) as T) : null;
    },
    async insert(collection, id, document) {
      return insert.run(collection, id, JSON.stringify(document), Date.now()).changes === 1;
    },
    async put(collection, id, document) {
      upsert.run(collection, id, JSON.stringify(document), Date.now());
    },
    async delete(collection, id) {
      remove.run(collection, id);
    },
    async deleteOlderThan(collection, before) {
      stampUnknown.run(Date.now(), collection);
      return Number(removeOlder.run(collection, before).changes);
    },
    async list<T>(collection: string) {
      return (selectAll.all(collection) as Array<{ body: string }>).map((row) => JSON.parse(row.body) as T);
    },
  };
}
