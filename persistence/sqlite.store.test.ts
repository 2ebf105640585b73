import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, describe, expect, it } from 'vitest';
import { createSqliteStore } from './sqlite.store.ts';
import { coworkerDefinition, describeStoreContract } from './store.contract.ts';
import type { Store } from './store.port.ts';

function temporaryFolder(): { path: string; remove: () => void } {
  const path = mkdtempSync(join(tmpdir(), 'coworkers-sqlite-'));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

describeStoreContract('sqlite file', async () => {
  const folder = temporaryFolder();
  const store = createSqliteStore({ path: join(folder.path, 'store.db') });
  return {
    store,
    cleanup: async () => {
      await store.close();
      folder.remove();
    },
  };
});

describeStoreContract('sqlite :memory:', async () => {
  const store = createSqliteStore({ path: ':memory:' });
  return { store, cleanup: () => store.close() };
});

describe('sqlite store on a file', () => {
  const status = { state: { status: 'idle', shift: 'offDuty' }, since: 1, backlog: 2 } as const;
  const opened: Store[] = [];
  let folder: ReturnType<typeof temporaryFolder>;

  function open(path: string): Store {
    const store = createSqliteStore({ path });
    opened.push(store);
    return store;
  }

  afterEach(async () => {
    await Promise.all(opened.splice(0).map((store) => store.close()));
    folder.remove();
  });

  it('creates missing folders and keeps its data across close and reopen', async () => {
    folder = temporaryFolder();
    const path = join(folder.path, 'nested', 'deeper', 'store.db');
    const first = open(path);
    await first.registerCoworkers([coworkerDefinition('ada')]);
    await first.saveSnapshot('ada', 0, { survives: ['a', 'restart'] }, status);
    const written = await first.getCoworker('ada');
    await first.close();

    const reopened = open(path);
    expect(await reopened.getCoworker('ada')).toStrictEqual(written);
    expect(await reopened.saveSnapshot('ada', 1, { after: 'restart' }, status)).toBe(2);
  });

  it('lets a second store on the same file read while the first is open, and guards versions across both', async () => {
    folder = temporaryFolder();
    const path = join(folder.path, 'store.db');
    const writer = open(path);
    await writer.registerCoworkers([coworkerDefinition('ada')]);
    const reader = open(path);

    await writer.saveSnapshot('ada', 0, { from: 'writer' }, status);
    expect((await reader.getCoworker('ada'))?.snapshot).toStrictEqual({ from: 'writer' });
    await expect(reader.saveSnapshot('ada', 0, { from: 'reader' }, status)).rejects.toMatchObject({ code: 'VERSION_CONFLICT' });
    expect((await reader.listCoworkers()).map((summary) => summary.id)).toStrictEqual(['ada']);
  });

  it('opens a file written before fencing, adds the fence column once and fences from then on', async () => {
    folder = temporaryFolder();
    const path = join(folder.path, 'store.db');
    // The coworkers table as it was before the fence column, with a coworker at version 2.
    const old = new DatabaseSync(path);
    old.exec(`CREATE TABLE coworkers (
      id TEXT PRIMARY KEY, definition TEXT NOT NULL, version INTEGER NOT NULL, snapshot TEXT, status TEXT, updated_at INTEGER NOT NULL
    ) STRICT`);
    old.prepare('INSERT INTO coworkers VALUES (?, ?, 2, ?, ?, 5)').run('ada', JSON.stringify(coworkerDefinition('ada')), JSON.stringify({ old: true }), JSON.stringify(status));
    old.close();

    const store = open(path);
    expect(await store.getCoworker('ada')).toStrictEqual({ id: 'ada', definition: coworkerDefinition('ada'), version: 2, snapshot: { old: true }, status, updatedAt: 5, fence: 0 });
    expect(await store.saveSnapshot('ada', 2, { fenced: true }, status, 3)).toBe(3);
    await expect(store.saveSnapshot('ada', 3, { older: true }, status, 2)).rejects.toMatchObject({ code: 'FENCED' });
    await store.close();

    const reopened = open(path);
    expect((await reopened.loadCoworkers()).map((record) => [record.version, record.snapshot, record.fence])).toStrictEqual([[3, { fenced: true }, 3]]);
    const inspect = new DatabaseSync(path);
    const columns = inspect.prepare('PRAGMA table_info(coworkers)').all().map((column) => column.name);
    inspect.close();
    expect(columns.filter((name) => name === 'fence')).toHaveLength(1);
  });

  it('opens a file whose documents have no write time, and counts them as written at the first pruning pass', async () => {
    folder = temporaryFolder();
    const path = join(folder.path, 'store.db');
    const old = new DatabaseSync(path);
    old.exec('CREATE TABLE documents (collection TEXT NOT NULL, id TEXT NOT NULL, body TEXT NOT NULL, PRIMARY KEY (collection, id)) STRICT');
    old.prepare('INSERT INTO documents VALUES (?, ?, ?)').run('tool-results', 'k1', JSON.stringify({ old: true }));
    old.close();

    const store = open(path);
    expect(await store.documents.get('tool-results', 'k1')).toStrictEqual({ old: true });
    expect(await store.documents.deleteOlderThan('tool-results', Date.now() - 1)).toBe(0);
    expect(await store.documents.deleteOlderThan('tool-results', Date.now() + 1)).toBe(1);
    expect((await store.size()).rows).toStrictEqual({ coworkers: 0, snapshots: 0, audit: 0, scheduleFires: 0 });
  });
});
