// Documents in the embedded SQLite file: one table, the body as JSON text.
import type { DatabaseSync } from 'node:sqlite';
import type { Documents } from './documents.port.ts';

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS documents (
    collection TEXT NOT NULL,
    id TEXT NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (collection, id)
  ) STRICT`;

export function createSqliteDocuments(db: DatabaseSync): Documents {
  db.exec(SCHEMA);
  const selectOne = db.prepare('SELECT body FROM documents WHERE collection = ? AND id = ?');
  const selectAll = db.prepare('SELECT body FROM documents WHERE collection = ? ORDER BY id');
  const insert = db.prepare('INSERT OR IGNORE INTO documents (collection, id, body) VALUES (?, ?, ?)');
  const upsert = db.prepare('INSERT INTO documents (collection, id, body) VALUES (?, ?, ?) ON CONFLICT (collection, id) DO UPDATE SET body = excluded.body');
  const remove = db.prepare('DELETE FROM documents WHERE collection = ? AND id = ?');
  return {
    async get<T>(collection: string, id: string) {
      const row = selectOne.get(collection, id) as { body: string } | undefined;
      return row ? (JSON.parse(row.body) as T) : null;
    },
    async insert(collection, id, document) {
      return insert.run(collection, id, JSON.stringify(document)).changes === 1;
    },
    async put(collection, id, document) {
      upsert.run(collection, id, JSON.stringify(document));
    },
    async delete(collection, id) {
      remove.run(collection, id);
    },
    async list<T>(collection: string) {
      return (selectAll.all(collection) as Array<{ body: string }>).map((row) => JSON.parse(row.body) as T);
    },
  };
}
