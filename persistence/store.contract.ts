// The store contract: what every Store adapter must do, as a vitest suite each adapter's test
// file runs against itself (the pattern of LangGraph.js checkpoint-validation).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { coworkerDefinitionSchema, type CoworkerDefinition, type CoworkerStatus } from '../protocol/index.ts';
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
      expect(record).toStrictEqual({ id: 'ada', definition, version: 0, snapshot: null, status: null, updatedAt: expect.any(Number) });
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
          manager: { name: 'Ada Manager', slack: 'U0123ABC' },
          status: null,
          updatedAt: expect.any(Number),
        },
        {
          id: 'bob',
          name: 'Bob',
          role: 'Recruiting coordinator',
          team: 'people',
          manager: { name: 'Grace Lead', slack: 'W0999XYZ' },
          status: status('blocked', { waitingFor: 'Grace to answer' }),
          updatedAt: expect.any(Number),
        },
      ]);
      const bob = await store.getCoworker('bob');
      expect(summaries[1]?.updatedAt).toBe(bob?.updatedAt);
    });

    it('closes, and closing twice is harmless', async () => {
      await store.registerCoworkers([coworkerDefinition('ada')]);
      await expect(store.close()).resolves.toBeUndefined();
      await expect(store.close()).resolves.toBeUndefined();
    });
  });
}
