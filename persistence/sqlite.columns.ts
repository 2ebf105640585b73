// Columns added to tables of older SQLite files when they are opened.
import type { DatabaseSync } from 'node:sqlite';

/**
 * Adds `column` to `table` if the file lacks it. Checked again under the write lock, so two
 * processes opening the same old file add it once; a file that has it takes no lock (the CLI opens
 * the file while `up` writes).
 */
export function addColumn(db: DatabaseSync, table: string, column: string, definition: string): void {
  const hasColumn = () => (db.prepare(`PRAGMA table_info(${table})`).all() as Array<{ name: string }>).some((found) => found.name === column);
  if (hasColumn()) return;
  db.exec('BEGIN IMMEDIATE');
  try {
    if (!hasColumn()) db.exec(`ALTER TABLE ${table} ADD COLUMN ${column} ${definition}`);
    db.exec('COMMIT');
  } catch (error) {
    db.exec('ROLLBACK');
    throw error;
  }
}
