// The store contract: what every Store adapter must do, as a vitest suite each adapter's test
// file runs against itself (the pattern of LangGraph.js checkpoint-validation).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { coworkerDefinitionSchema, type AuditEntry, type CoworkerDefinition, type CoworkerStatus } from '../protocol/index.ts';
import type { Store } from './store.port.ts';

export interface StoreUnderTest {
  store: Store;
  /** Removes what the store wrote; runs after every test, also a failed one. */
  cleanup: () => Promise<void>;
}

/** A valid coworker definition, parsed by the real schema so defaults are filled in. */
export function coworkerDefinition(id: string, overrides: Record<string, unknown> = {}): CoworkerDefinition {
  return coworkerDefinitionSchema.parse({
    id,
    name: `Coworker ${id}`,
    role: 'Keeps the sales pipeline tidy',
    team: 'sales',
    manager: { name: 'Ada Manager', slack: 'U0123ABC', email: 'ada@example.com' },
    timezone: 'Europe/Berlin',
    tools: ['crm.updateDeal'],
    jobs: [
      {
        id: 'stale-deals',
        instructions: 'Nudge the owner of every deal that went quiet.',
        // A dotted key in user data: stores must keep it as it is.
        triggers: [{ event: 'crm.deal.stale', where: { 'deal.stage': 'negotiation' } }],
        tools: ['crm.updateDeal'],
      },
    ],
    ...overrides,
  });
}

function status(state: CoworkerStatus['state']['status'], extra: Partial<CoworkerStatus> = {}): CoworkerStatus {
  return { state: { status: state, shift: 'onDuty' }, since: 1_700_000_000_000, backlog: 0, ...extra };
}

/** A snapshot with what JSON can hold and BSON or SQL might mangle. */
function awkwardSnapshot() {
  return {
    status: 'active',
    value: { working: { job: 'acting' }, shift: 'onDuty' },
    context: {
      text: 'Grüße, 你好, emoji 🤖👩🏽‍💻, RTL שלום, quotes "\' and \\ backslash\nnewline\ttab \u0000 nul',
      'key.with.dots': { 'a.b': 1 },
      nastyKeys: nastyKeys(),
      $dollar: { $set: 'not an operator', $inc: 1 },
      nothing: null,
      nested: { deeper: { deepest: [null, [], {}, { x: [1, [2, [3]]] }] } },
      numbers: [0, -1, 1.5, -0.25, 2 ** 53 - 1, 1e-9, 1e21],
      flags: [true, false],
      empty: '',
      backlog: Array.from({ length: 5_000 }, (_, index) => ({ id: `task-${index}`, done: index % 3 === 0 })),
    },
    children: {},
    historyValue: {},
  };
}

/** Keys a MongoDB adapter must escape, and the characters its escaping uses, all of which must round-trip. */
export function nastyKeys(): Record<string, unknown> {
  return {
    '.': 1, $: 2, '': 3, 'a.b.c': 4, '$where': 5, 'x$y': 6, '..$$': 7,
    '\uFF0E': 8, '\uFF04': 9, '\uFF3C': 10, '\uFF3C\uFF0E': 11, '\uFF3C.': 12, 'ends\uFF3C': 13, '\u0000nul': 14, '__proto__': { 'in.side': [{ $k: '.' }] },
    '\uFF3C[': [[]], grid: [[1, [2, [{ 'x.y': [[3]] }]]], []],
    nested: [{ 'deep.er': { $deepest: ['.', '$'] } }],
  };
}

function auditEntry(id: string, at: number, overrides: Partial<AuditEntry> = {}): AuditEntry {
  return { id, coworkerId: 'ada', at, kind: 'tool.executed', by: 'ada', summary: `entry ${id}`, ...overrides };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const ids = (entries: AuditEntry[]) => entries.map((entry) => entry.id);

function byId<T extends { id: string }>(items: T[]): T[] {
  return [...items].sort((a, b) => a.id.localeCompare(b.id));
}

export function describeStoreContract(
  name: string,
  createStore: () => Promise<StoreUnderTest>,
): void {
  describe(`Store contract: ${name}`, () => {
    let store: Store;
    let cleanup: (() => Promise<void>) | undefined;

    beforeEach(async () => {
      ({ store, cleanup } = await createStore());
    });

    afterEach(async () => {
      await cleanup?.();
      cleanup = undefined;
    });

    it('registers a coworker and gets it back at version 0 without a snapshot', async () => {
      const before = Date.now();
      const definition = coworkerDefinition('ada');
      await store.registerCoworkers([definition]);

      const record = await store.getCoworker('ada');
      expect(record).toStrictEqual({ id: 'ada', definition, version: 0, snapshot: null, status: null, updatedAt: expect.any(Number), fence: 0 });
      expect(record?.updatedAt).toBeGreaterThanOrEqual(before);
      expect(record?.updatedAt).toBeLessThanOrEqual(Date.now());
      expect(await store.getCoworker('nobody')).toBeNull();
    });

    it('re-registering updates the definition and keeps the snapshot and version', async () => {
      await store.registerCoworkers([coworkerDefinition('ada')]);
      await store.saveSnapshot('ada', 0, { step: 1 }, status('working'));

      const changed = coworkerDefinition('ada', { name: 'Ada Renamed', role: 'Runs the weekly report' });
      await store.registerCoworkers([changed]);

      const record = await store.getCoworker('ada');
      expect(record?.definition).toStrictEqual(changed);
      expect(record?.version).toBe(1);
      expect(record?.snapshot).toStrictEqual({ step: 1 });
      expect(record?.status).toStrictEqual(status('working'));
    });

    it('accepts concurrent registrations of the same new coworker, as runtimes starting together make', async () => {
      const registrations = await Promise.allSettled(Array.from({ length: 4 }, () => store.registerCoworkers([coworkerDefinition('ada')])));

      expect(registrations.filter((result) => result.status === 'rejected')).toStrictEqual([]);
      expect((await store.loadCoworkers()).map((record) => [record.id, record.version])).toStrictEqual([['ada', 0]]);
    });

    it('loads every coworker, or those with the given ids, skipping unknown ids', async () => {
      for (const id of ['ada', 'bob', 'cy']) await store.registerCoworkers([coworkerDefinition(id)]);
      await store.saveSnapshot('bob', 0, { bob: true }, status('idle'));

      const all = await store.loadCoworkers();
      expect(byId(all).map((record) => [record.id, record.version])).toStrictEqual([['ada', 0], ['bob', 1], ['cy', 0]]);

      const some = await store.loadCoworkers(['cy', 'bob', 'ghost']);
      expect(byId(some).map((record) => record.id)).toStrictEqual(['bob', 'cy']);
      expect(some.find((record) => record.id === 'bob')?.snapshot).toStrictEqual({ bob: true });
      expect(some.find((record) => record.id === 'cy')?.definition).toStrictEqual(coworkerDefinition('cy'));

      expect(await store.loadCoworkers([])).toStrictEqual([]);
    });

    it('saveSnapshot returns the next version each time and stores the latest snapshot', async () => {
      await store.registerCoworkers([coworkerDefinition('ada')]);
      const versions = [];
      for (const step of [1, 2, 3]) versions.push(await store.saveSnapshot('ada', step - 1, { step }, status('working', { backlog: step })));

      expect(versions).toStrictEqual([1, 2, 3]);
      const record = await store.getCoworker('ada');
      expect(record?.version).toBe(3);
      expect(record?.snapshot).toStrictEqual({ step: 3 });
      expect(record?.status).toStrictEqual(status('working', { backlog: 3 }));
    });

    it('round-trips a nested snapshot and a full status exactly', async () => {
      await store.registerCoworkers([coworkerDefinition('ada')]);
      const snapshot = awkwardSnapshot();
      const fullStatus = status('awaitingApproval', { currentTaskId: 'task-7', waitingFor: 'Ada to approve email.send', deadline: 1_700_000_360_000 });
      await store.saveSnapshot('ada', 0, snapshot, fullStatus);

      const record = await store.getCoworker('ada');
      expect(record?.snapshot).toStrictEqual(snapshot);
      expect(record?.status).toStrictEqual(fullStatus);
      const [loaded] = await store.loadCoworkers(['ada']);
      expect(loaded?.snapshot).toStrictEqual(snapshot);
    });

    it('reads an optional status field set to undefined back as absent, not null', async () => {
      await store.registerCoworkers([coworkerDefinition('ada')]);
      await store.saveSnapshot('ada', 0, { step: 1 }, { ...status('idle'), currentTaskId: undefined, deadline: undefined });

      expect((await store.getCoworker('ada'))?.status).toStrictEqual(status('idle'));
      expect((await store.listCoworkers())[0]?.status).toStrictEqual(status('idle'));
    });

    it('rejects a stale or future expectedVersion with VERSION_CONFLICT and keeps the stored snapshot', async () => {
      await store.registerCoworkers([coworkerDefinition('ada')]);
      await store.saveSnapshot('ada', 0, { winner: true }, status('working'));

      await expect(store.saveSnapshot('ada', 0, { stale: true }, status('idle'))).rejects.toMatchObject({
        name: 'CoworkersError',
        code: 'VERSION_CONFLICT',
      });
      await expect(store.saveSnapshot('ada', 5, { future: true }, status('idle'))).rejects.toMatchObject({ code: 'VERSION_CONFLICT' });
      const record = await store.getCoworker('ada');
      expect(record?.version).toBe(1);
      expect(record?.snapshot).toStrictEqual({ winner: true });
    });

    it('names the stored version in a conflict, also after older versions were pruned', async () => {
      await store.registerCoworkers([coworkerDefinition('ada')]);
      for (let version = 0; version < 3; version++) await store.saveSnapshot('ada', version, { version }, status('working'));
      await new Promise((resolve) => setTimeout(resolve, 200)); // room for background pruning
      await expect(store.saveSnapshot('ada', 2, { late: true }, status('idle'))).rejects.toThrow('coworker "ada" is at version 3, not 2');
    });

    it('rejects a snapshot for an unregistered coworker with COWORKER_NOT_FOUND', async () => {
      await expect(store.saveSnapshot('ghost', 0, { any: 1 }, status('idle'))).rejects.toMatchObject({
        name: 'CoworkersError',
        code: 'COWORKER_NOT_FOUND',
      });
      expect(await store.getCoworker('ghost')).toBeNull();
    });

    it('lets exactly one of several concurrent saves with the same expected version win, round after round', async () => {
      await store.registerCoworkers([coworkerDefinition('ada')]);
      for (let round = 0; round < 5; round++) {
        const results = await Promise.allSettled(
          Array.from({ length: 8 }, (_, writer) => store.saveSnapshot('ada', round, { round, writer }, status('working'))),
        );
        const won = results.flatMap((result, writer) => (result.status === 'fulfilled' ? [{ writer, version: result.value }] : []));
        const lost = results.flatMap((result) => (result.status === 'rejected' ? [result.reason] : []));
        expect(won).toHaveLength(1);
        expect(won[0]?.version).toBe(round + 1);
        expect(lost.every((error) => error.code === 'VERSION_CONFLICT')).toBe(true);
        const record = await store.getCoworker('ada');
        expect(record?.version).toBe(round + 1);
        expect(record?.snapshot).toStrictEqual({ round, writer: won[0]?.writer });
      }
    });

    it('refuses a write with a lower fence than the stored one with FENCED, even at a stale version, and keeps the stored snapshot', async () => {
      await store.registerCoworkers([coworkerDefinition('ada')]);
      expect(await store.saveSnapshot('ada', 0, { owner: 7 }, status('working'), 7)).toBe(1);

      const error = await store.saveSnapshot('ada', 1, { owner: 6 }, status('idle'), 6).catch((rejection: unknown) => rejection);
      expect(error).toMatchObject({ name: 'CoworkersError', code: 'FENCED', retryable: false, hint: expect.stringContaining('stops writing') });
      expect((error as Error).message).toBe('coworker "ada" is held by a newer owner (fence 7 > 6): this process lost its lease');
      // Both checks fail: the lost lease is what the writer must hear.
      await expect(store.saveSnapshot('ada', 0, { owner: 6 }, status('idle'), 6)).rejects.toMatchObject({ code: 'FENCED' });
      // No fence is fence 0: code that does not fence cannot overwrite a fenced coworker.
      await expect(store.saveSnapshot('ada', 1, { unfenced: true }, status('idle'))).rejects.toMatchObject({ code: 'FENCED' });

      const record = await store.getCoworker('ada');
      expect([record?.version, record?.snapshot, record?.status, record?.fence]).toStrictEqual([1, { owner: 7 }, status('working'), 7]);
    });

    it('passes equal and higher fences, keeps the newest one and still checks the version', async () => {
      await store.registerCoworkers([coworkerDefinition('ada')]);
      expect(await store.saveSnapshot('ada', 0, { step: 1 }, status('working'))).toBe(1);
      expect((await store.getCoworker('ada'))?.fence).toBe(0);
      expect(await store.saveSnapshot('ada', 1, { step: 2 }, status('working'), 4)).toBe(2);
      expect(await store.saveSnapshot('ada', 2, { step: 3 }, status('working'), 4)).toBe(3);
      expect(await store.saveSnapshot('ada', 3, { step: 4 }, status('working'), 9)).toBe(4);
      // A higher fence does not excuse a stale version.
      await expect(store.saveSnapshot('ada', 3, { stale: true }, status('idle'), 10)).rejects.toMatchObject({ code: 'VERSION_CONFLICT' });

      const record = await store.getCoworker('ada');
      expect([record?.version, record?.snapshot, record?.fence]).toStrictEqual([4, { step: 4 }, 9]);
    });

    it("fences the older owner out once a newer owner has written, whatever version it tries", async () => {
      await store.registerCoworkers([coworkerDefinition('ada'), coworkerDefinition('bob')]);
      await store.saveSnapshot('ada', 0, { owner: 'old', step: 1 }, status('working'), 3);
      await store.saveSnapshot('ada', 1, { owner: 'old', step: 2 }, status('working'), 3);
      await store.saveSnapshot('bob', 0, { owner: 'old' }, status('idle'), 3);

      // The newer owner took the lease (fence 5), loads ada and writes on top.
      const [loaded] = await store.loadCoworkers(['ada']);
      expect([loaded?.version, loaded?.fence]).toStrictEqual([2, 3]);
      expect(await store.saveSnapshot('ada', loaded!.version, { owner: 'new' }, status('working'), 5)).toBe(3);

      for (const version of [2, 3, 0]) {
        await expect(store.saveSnapshot('ada', version, { owner: 'old', late: version }, status('idle'), 3)).rejects.toMatchObject({ code: 'FENCED' });
      }
      const records = byId(await store.loadCoworkers());
      expect(records.map((record) => [record.id, record.version, record.snapshot, record.fence])).toStrictEqual([
        ['ada', 3, { owner: 'new' }, 5],
        // Fences are per coworker: bob was not taken over.
        ['bob', 1, { owner: 'old' }, 3],
      ]);
      expect(await store.saveSnapshot('bob', 1, { owner: 'old', step: 2 }, status('idle'), 3)).toBe(2);
    });

    it('lets one of several concurrent writers with different fences win; the others are FENCED if below it, else VERSION_CONFLICT', async () => {
      await store.registerCoworkers([coworkerDefinition('ada')]);
      await store.saveSnapshot('ada', 0, { start: true }, status('idle'), 1);
      const fences = [4, 2, 6, 3, 5];
      const results = await Promise.allSettled(fences.map((fence) => store.saveSnapshot('ada', 1, { fence }, status('working'), fence)));

      const won = fences.filter((_, index) => results[index]!.status === 'fulfilled');
      expect(won).toHaveLength(1);
      const winner = won[0]!;
      const codes = results.flatMap((result, index) => (result.status === 'rejected' ? [[fences[index], result.reason.code]] : []));
      expect(codes).toStrictEqual(fences.filter((fence) => fence !== winner).map((fence) => [fence, fence < winner ? 'FENCED' : 'VERSION_CONFLICT']));
      const record = await store.getCoworker('ada');
      expect([record?.version, record?.snapshot, record?.fence]).toStrictEqual([2, { fence: winner }, winner]);
    });

    it('lists summaries without snapshots', async () => {
      await store.registerCoworkers([coworkerDefinition('ada', { name: 'Ada', role: 'Sales assistant', team: 'sales' })]);
      await store.registerCoworkers([
        coworkerDefinition('bob', {
          name: 'Bob',
          role: 'Recruiting coordinator',
          team: 'people',
          manager: { name: 'Grace Lead', slack: 'W0999XYZ', email: 'grace@example.com' },
        }),
      ]);
      await store.saveSnapshot('bob', 0, { big: 'snapshot' }, status('blocked', { waitingFor: 'Grace to answer' }));

      const summaries = byId(await store.listCoworkers());
      expect(summaries).toStrictEqual([
        {
          id: 'ada',
          name: 'Ada',
          role: 'Sales assistant',
          team: 'sales',
          manager: { name: 'Ada Manager', id: 'U0123ABC' },
          status: null,
          updatedAt: expect.any(Number),
        },
        {
          id: 'bob',
          name: 'Bob',
          role: 'Recruiting coordinator',
          team: 'people',
          manager: { name: 'Grace Lead', id: 'W0999XYZ' },
          status: status('blocked', { waitingFor: 'Grace to answer' }),
          updatedAt: expect.any(Number),
        },
      ]);
      const bob = await store.getCoworker('bob');
      expect(summaries[1]?.updatedAt).toBe(bob?.updatedAt);
    });

    it('appends audit entries and reads every field back, user keys with dots and dollars included', async () => {
      const full = auditEntry('e1', 1_000, {
        kind: 'approval.decided',
        by: 'U0123ABC',
        runId: 'run-1',
        jobId: 'stale-deals',
        tool: 'crm.updateDeal',
        approvalId: 'approval-1',
        summary: 'Ada approved: Grüße 🤖 "quoted" \\ back',
        detail: { 'deal.stage': 'won', $set: { 'a.b': 1, $inc: 2 }, nested: [null, { x: 1.5 }], empty: '' },
      });
      const minimal = auditEntry('e2', 2_000);
      await store.appendAudit([full, minimal]);
      await store.appendAudit([]);

      expect(await store.queryAudit({ coworkerId: 'ada' })).toStrictEqual([full, minimal]);
      expect(await store.queryAudit({ coworkerId: 'bob' })).toStrictEqual([]);
    });

    it('stores an entry id once, however often it is appended', async () => {
      const first = auditEntry('e1', 1_000);
      await store.appendAudit([first, { ...first, summary: 'the same id again in one call' }, auditEntry('e2', 2_000)]);
      await store.appendAudit([{ ...first, summary: 'a replay' }, auditEntry('e3', 3_000)]);
      await Promise.all([store.appendAudit([auditEntry('e4', 4_000)]), store.appendAudit([auditEntry('e4', 4_000)])]);

      const stored = await store.queryAudit({ coworkerId: 'ada' });
      expect(ids(stored)).toStrictEqual(['e1', 'e2', 'e3', 'e4']);
      expect(stored[0]).toStrictEqual(first);
    });

    it('filters audit entries by coworker, run, job and time (from inclusive, to exclusive)', async () => {
      await store.appendAudit([
        auditEntry('a1', 1_000, { runId: 'r1', jobId: 'j1' }),
        auditEntry('a2', 2_000, { runId: 'r1', jobId: 'j1' }),
        auditEntry('a3', 3_000, { runId: 'r2', jobId: 'j1' }),
        auditEntry('a4', 4_000, { runId: 'r3', jobId: 'j2' }),
        auditEntry('a5', 5_000),
        auditEntry('b1', 2_000, { coworkerId: 'bob', runId: 'r1', jobId: 'j1' }),
      ]);

      expect(ids(await store.queryAudit({ coworkerId: 'ada', runId: 'r1' }))).toStrictEqual(['a1', 'a2']);
      expect(ids(await store.queryAudit({ coworkerId: 'ada', jobId: 'j1' }))).toStrictEqual(['a1', 'a2', 'a3']);
      expect(ids(await store.queryAudit({ coworkerId: 'ada', jobId: 'j1', runId: 'r2' }))).toStrictEqual(['a3']);
      expect(ids(await store.queryAudit({ coworkerId: 'ada', from: 2_000, to: 4_000 }))).toStrictEqual(['a2', 'a3']);
      expect(ids(await store.queryAudit({ coworkerId: 'ada', from: 4_000 }))).toStrictEqual(['a4', 'a5']);
      expect(ids(await store.queryAudit({ coworkerId: 'ada', to: 2_000 }))).toStrictEqual(['a1']);
      expect(ids(await store.queryAudit({ coworkerId: 'ada', jobId: 'j1', from: 2_000, to: 3_001 }))).toStrictEqual(['a2', 'a3']);
      expect(ids(await store.queryAudit({ coworkerId: 'bob' }))).toStrictEqual(['b1']);
    });

    it('orders audit entries by time then id, and a limit keeps the newest, still oldest first', async () => {
      // Appended out of order, several at the same millisecond.
      await store.appendAudit([auditEntry('c', 2_000), auditEntry('e', 3_000), auditEntry('a', 2_000), auditEntry('d', 1_000), auditEntry('b', 2_000)]);

      expect(ids(await store.queryAudit({ coworkerId: 'ada' }))).toStrictEqual(['d', 'a', 'b', 'c', 'e']);
      expect(ids(await store.queryAudit({ coworkerId: 'ada', limit: 3 }))).toStrictEqual(['b', 'c', 'e']);
      expect(ids(await store.queryAudit({ coworkerId: 'ada', limit: 1, to: 3_000 }))).toStrictEqual(['c']);
      expect(await store.queryAudit({ coworkerId: 'ada', limit: 0 })).toStrictEqual([]);
    });

    it('returns the newest 1,000 audit entries by default', async () => {
      await store.appendAudit(Array.from({ length: 1_005 }, (_, index) => auditEntry(`e${String(index).padStart(4, '0')}`, index)));

      const stored = await store.queryAudit({ coworkerId: 'ada' });
      expect(stored).toHaveLength(1_000);
      expect([stored[0]?.id, stored.at(-1)?.id]).toStrictEqual(['e0005', 'e1004']);
    });

    it('records a schedule fire once and reports the latest fire of each job', async () => {
      const fire = { coworkerId: 'ada', jobId: 'stale-deals', fireAt: 1_000, recordedBy: 'runtime-a' };
      expect(await store.lastFire('ada', 'stale-deals')).toBeNull();

      expect(await store.recordFire(fire)).toBe(true);
      expect(await store.recordFire({ ...fire, recordedBy: 'runtime-b' })).toBe(false);
      expect(await store.recordFire({ ...fire, fireAt: 3_000 })).toBe(true);
      expect(await store.recordFire({ ...fire, fireAt: 2_000 })).toBe(true);
      // Other jobs and coworkers have their own fires.
      expect(await store.recordFire({ ...fire, jobId: 'weekly-report', fireAt: 9_000 })).toBe(true);
      expect(await store.recordFire({ ...fire, coworkerId: 'bob', fireAt: 8_000 })).toBe(true);
      expect(await store.recordFire({ ...fire, coworkerId: 'bob' })).toBe(true);

      expect(await store.lastFire('ada', 'stale-deals')).toBe(3_000);
      expect(await store.lastFire('ada', 'weekly-report')).toBe(9_000);
      expect(await store.lastFire('bob', 'stale-deals')).toBe(8_000);
      expect(await store.lastFire('bob', 'weekly-report')).toBeNull();
    });

    it('lets exactly one of several concurrent records of the same fire win', async () => {
      for (const fireAt of [1_000, 2_000, 3_000]) {
        const results = await Promise.all(
          Array.from({ length: 6 }, (_, runtime) => store.recordFire({ coworkerId: 'ada', jobId: 'stale-deals', fireAt, recordedBy: `runtime-${runtime}` })),
        );
        expect(results.filter(Boolean)).toHaveLength(1);
      }
      expect(await store.lastFire('ada', 'stale-deals')).toBe(3_000);
    });

    it('keeps documents by collection and id, with keys stores usually refuse', async () => {
      const deal = { id: 'd-1', 'odd.key': 1, $price: { amount: 42.5, currency: 'EUR' }, tags: ['a', null], note: 'Ümlaut ✓' };
      await store.documents.put('deals', 'd-1', deal);
      await store.documents.put('deals', 'd-0', { id: 'd-0' });
      await store.documents.put('contacts', 'd-1', { id: 'contact' });
      expect(await store.documents.get('deals', 'd-1')).toEqual(deal);
      expect(await store.documents.get('deals', 'missing')).toBeNull();
      expect(await store.documents.list('deals')).toEqual([{ id: 'd-0' }, deal]);

      await store.documents.put('deals', 'd-1', { id: 'd-1', replaced: true });
      expect(await store.documents.get('deals', 'd-1')).toEqual({ id: 'd-1', replaced: true });
      await store.documents.delete('deals', 'd-1');
      expect(await store.documents.list('deals')).toEqual([{ id: 'd-0' }]);
      expect(await store.documents.get('contacts', 'd-1')).toEqual({ id: 'contact' });
    });

    it('keeps documents whose keys need escaping exactly', async () => {
      const document = { id: 'n-1', ...nastyKeys() };
      await store.documents.put('nasty', 'n-1', document);
      await store.documents.insert('nasty', 'n-2', nastyKeys());
      expect(await store.documents.get('nasty', 'n-1')).toStrictEqual(document);
      expect(await store.documents.list('nasty')).toStrictEqual([document, nastyKeys()]);
    });

    it('deletes the documents of one collection last written before a time, and counts them', async () => {
      await store.documents.put('tool-results', 'old-1', { n: 1 });
      await store.documents.insert('tool-results', 'old-2', { n: 2 });
      await store.documents.put('drafts', 'old-3', { n: 3 });
      await store.documents.put('tool-results', 'rewritten', { n: 4 });
      await sleep(5);
      const cutoff = Date.now();
      await sleep(5);
      await store.documents.put('tool-results', 'rewritten', { n: 5 });
      await store.documents.insert('tool-results', 'new', { n: 6 });

      expect(await store.documents.deleteOlderThan('tool-results', cutoff)).toBe(2);
      expect(await store.documents.list('tool-results')).toEqual([{ n: 6 }, { n: 5 }]);
      expect(await store.documents.list('drafts')).toEqual([{ n: 3 }]);
      expect(await store.documents.deleteOlderThan('tool-results', cutoff)).toBe(0);
      expect(await store.documents.deleteOlderThan('missing', cutoff)).toBe(0);
    });

    it('prunes audit entries before the cutoff and keeps everything when there is none', async () => {
      await store.appendAudit([auditEntry('a1', 1_000), auditEntry('a2', 2_000), auditEntry('b1', 2_500, { coworkerId: 'bob' }), auditEntry('a3', 3_000)]);
      expect(await store.prune({})).toStrictEqual({ audit: 0, fires: 0, snapshots: 0 });
      expect(await store.prune({ audit: 3_000 })).toMatchObject({ audit: 3, fires: 0 });
      expect(ids(await store.queryAudit({ coworkerId: 'ada' }))).toStrictEqual(['a3']);
      expect(ids(await store.queryAudit({ coworkerId: 'bob' }))).toStrictEqual([]);
    });

    it("prunes schedule fires before the cutoff but keeps each job's latest, so lastFire still answers", async () => {
      const fire = (coworkerId: string, jobId: string, fireAt: number) => store.recordFire({ coworkerId, jobId, fireAt, recordedBy: 'runtime-1' });
      for (const at of [1_000, 2_000, 3_000]) await fire('ada', 'j1', at);
      await fire('ada', 'j2', 1_500);
      await fire('bob', 'j1', 1_000);
      await fire('bob', 'j1', 9_000);

      expect(await store.prune({ fires: 5_000 })).toMatchObject({ audit: 0, fires: 3 });
      expect(await store.lastFire('ada', 'j1')).toBe(3_000);
      expect(await store.lastFire('ada', 'j2')).toBe(1_500);
      expect(await store.lastFire('bob', 'j1')).toBe(9_000);
      expect(await store.recordFire({ coworkerId: 'ada', jobId: 'j1', fireAt: 3_000, recordedBy: 'runtime-2' })).toBe(false);
      expect(await store.prune({ fires: 5_000 })).toMatchObject({ fires: 0 });
      expect((await store.size()).rows.scheduleFires).toBe(3);
    });

    it('keeps the newest snapshot through pruning, and saves go on from it', async () => {
      await store.registerCoworkers([coworkerDefinition('ada')]);
      for (let version = 0; version < 4; version++) await store.saveSnapshot('ada', version, { version }, status('idle'));
      const pruned = await store.prune({ audit: Date.now(), fires: Date.now() });
      expect(pruned.snapshots).toBeGreaterThanOrEqual(0);
      expect(await store.getCoworker('ada')).toMatchObject({ version: 4, snapshot: { version: 3 } });
      expect(await store.saveSnapshot('ada', 4, { version: 4 }, status('idle'))).toBe(5);
    });

    it('reports its size on disk and its rows per table, documents per collection', async () => {
      await store.registerCoworkers([coworkerDefinition('ada'), coworkerDefinition('bob')]);
      await store.saveSnapshot('ada', 0, { a: 1 }, status('idle'));
      await store.appendAudit([auditEntry('a1', 1_000), auditEntry('a2', 2_000)]);
      await store.recordFire({ coworkerId: 'ada', jobId: 'j1', fireAt: 1_000, recordedBy: 'runtime-1' });
      await store.documents.put('tool-results', 'k1', {});
      await store.documents.put('tool-results', 'k2', {});
      await store.documents.put('drafts', 'd1', {});

      const size = await store.size();
      expect(size.bytes).toBeGreaterThan(0);
      expect(size.rows).toStrictEqual({ coworkers: 2, snapshots: 1, audit: 2, scheduleFires: 1, 'documents:tool-results': 2, 'documents:drafts': 1 });
    });

    it('lets exactly one of several concurrent inserts of the same document win', async () => {
      const results = await Promise.all(Array.from({ length: 6 }, (_, writer) => store.documents.insert('tool-runs', 'email:k-1', { writer })));
      expect(results.filter(Boolean)).toHaveLength(1);
      const winner = results.indexOf(true);
      expect(await store.documents.get('tool-runs', 'email:k-1')).toEqual({ writer: winner });
    });

    it('closes, and closing twice is harmless', async () => {
      await store.registerCoworkers([coworkerDefinition('ada')]);
      await expect(store.close()).resolves.toBeUndefined();
      await expect(store.close()).resolves.toBeUndefined();
    });
  });
}
