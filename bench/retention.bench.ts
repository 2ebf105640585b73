// The store's size after many commands, and after a pruning pass: embedded (in-process bus,
// SQLite file), since FerretDB takes about 2.5 ms an insert here and would need many minutes
// for the records 100,000 commands leave.
//
// The commands go through the host (queued on off-duty coworkers: one snapshot write each,
// coalesced), in batches with a new in-process bus each: it keeps at most 100,000 messages,
// commands and events together, and drops the oldest beyond. What a real task writes around its command the bench writes beside it, per
// command: an audit entry, an executed key and its result (`tool-runs`, `tool-results`); per 50
// commands a schedule fire; per 100 a draft and a chat post. Retention is time, so the pass
// prunes with every setting equal to the time the last tenth of the records took to write:
// what is left should be about a tenth of what was written, however much came before.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { createCoworkerHost, createPruner, systemClock } from '../actors/index.ts';
import { createMemoryBus } from '../messaging/index.ts';
import { PROTOCOL_VERSION, subjects } from '../protocol/index.ts';
import { createSqliteStore, type Store, type StoreSize } from '../persistence/index.ts';
import { benchTrust, idleRunner, manyDefinitions, quietLogger, saturdayClock } from './fixtures.ts';

const BATCH = 20_000;

export interface RetentionFigures {
  commands: number;
  commandsPerSecond: number;
  before: StoreSize & { usedBytes: number };
  after: StoreSize & { usedBytes: number };
  pruneMs: number;
}

/** The pages of the file, and those in use: SQLite keeps freed pages for later writes instead of shrinking the file. */
function usedBytes(path: string): number {
  const db = new DatabaseSync(path, { readOnly: true });
  const pragma = (name: string) => Object.values(db.prepare(`PRAGMA ${name}`).get()!)[0] as number;
  const used = (pragma('page_count') - pragma('freelist_count')) * pragma('page_size');
  db.close();
  return used;
}

/** Writes what `count` tasks leave beside their commands; returns the time at which `mark` of them were written. */
async function writeAround(store: Store, count: number, mark: number): Promise<number> {
  let markedAt = 0;
  const batch = 500;
  for (let start = 0; start < count; start += batch) {
    if (start >= mark && !markedAt) markedAt = Date.now();
    const indexes = Array.from({ length: Math.min(batch, count - start) }, (_, offset) => start + offset);
    await store.appendAudit(indexes.map((index) => ({ id: `bench:audit:${index}`, coworkerId: `bench-${index % 1_000}`, at: Date.now(), kind: 'tool.executed' as const, by: 'policy', runId: `task-${index}`, jobId: 'weekly', tool: 'email.send', summary: `sent report ${index}` })));
    for (const index of indexes) {
      const key = `email:run:task-${index}:t1:c0`;
      await store.documents.insert('tool-runs', key, { fingerprint: `fp-${index}`, at: Date.now() });
      await store.documents.insert('tool-results', key, { fingerprint: `fp-${index}`, at: Date.now(), result: { ok: true, output: { messageId: `<${index}@bench>` } } });
      if (index % 50 === 0) await store.recordFire({ coworkerId: `bench-${index % 1_000}`, jobId: 'weekly', fireAt: Date.now() - (index % 7), recordedBy: 'bench' });
      if (index % 100 === 0) {
        await store.documents.insert('email-drafts', `draft-${index}`, { draftId: `draft-${index}`, coworkerId: `bench-${index % 1_000}`, to: ['someone@example.com'], subject: 'Weekly report', body: 'x'.repeat(400) });
        await store.documents.put('chat-posts', `slack:approval-${index}`, { approval: { id: `approval-${index}` }, messages: [{ channel: 'D123', ts: `${index}.0001` }] });
      }
    }
  }
  return markedAt;
}

/** Sends `count` task assignments through a host on a new bus, and waits until the store holds them all queued. */
async function queueBatch(store: Store, coworkers: number, from: number, count: number): Promise<void> {
  const bus = createMemoryBus();
  const host = createCoworkerHost({ definitions: manyDefinitions(coworkers), bus, store, runTask: idleRunner, logger: quietLogger, trust: benchTrust, clock: saturdayClock(), concurrency: 16 });
  await host.start();
  const queued = async () => (await store.listCoworkers()).reduce((sum, coworker) => sum + (coworker.status?.backlog ?? 0), 0);
  const expected = (await queued()) + count;
  let next = from;
  const lane = async () => {
    while (next < from + count) {
      const index = next++;
      const coworkerId = `bench-${index % coworkers}`;
      const id = randomUUID();
      const command = { v: PROTOCOL_VERSION, id, coworkerId, at: Date.now(), type: 'task.assign', task: { id, text: `task ${index}`, source: 'person', requestedBy: 'UBENCH', createdAt: Date.now() } };
      await bus.publish(subjects.command('task', coworkerId), command, { msgId: id });
    }
  };
  await Promise.all(Array.from({ length: 500 }, lane));
  while ((await queued()) < expected) await new Promise((resolve) => setTimeout(resolve, 100));
  await host.stop();
  await bus.close();
}

export async function retentionFigures(options: { commands: number; coworkers: number }): Promise<RetentionFigures> {
  const dir = mkdtempSync(join(tmpdir(), 'coworkers-bench-'));
  const path = join(dir, 'bench.db');
  const store = createSqliteStore({ path });
  try {
    const started = performance.now();
    for (let sent = 0; sent < options.commands; sent += BATCH) await queueBatch(store, options.coworkers, sent, Math.min(BATCH, options.commands - sent));
    const commandsPerSecond = options.commands / ((performance.now() - started) / 1000);
    const markedAt = await writeAround(store, options.commands, Math.floor(options.commands * 0.9));
    const before = { ...(await store.size()), usedBytes: usedBytes(path) };
    const window = Date.now() - markedAt;
    const retention = { audit: window, executedKeys: window, fires: window, drafts: window, chatPosts: window };
    const pruner = createPruner({ store, retention, clock: systemClock, logger: quietLogger, isPruner: () => true });
    const start = performance.now();
    await pruner.pruneOnce();
    const pruneMs = performance.now() - start;
    const after = { ...(await store.size()), usedBytes: usedBytes(path) };
    return { commands: options.commands, commandsPerSecond, before, after, pruneMs };
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
