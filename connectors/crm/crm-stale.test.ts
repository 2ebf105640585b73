// The `crm.deal.stale` check on both stores: once per deal per quiet period, again after new
// activity goes quiet in turn, never twice across restarts, and on its schedule.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCrmConnector } from './crm.connector.ts';
import { seedExampleCrm } from './crm-seed.ts';
import { TEST_NOW, callTool, recordingContext, testStores, type EmittedEvent, type OpenStore } from './crm-test-stores.ts';

const DAY_MS = 86_400_000;

const staleOnes = (events: EmittedEvent[]) => events.filter((emitted) => emitted.event === 'crm.deal.stale');

async function waitFor(condition: () => boolean, what: string): Promise<void> {
  for (let tries = 0; tries < 100 && !condition(); tries++) await new Promise((resolve) => setTimeout(resolve, 50));
  if (!condition()) throw new Error(`gave up waiting for ${what}`);
}

describe.each(testStores)('stale deals on $name', ({ open }) => {
  let store: OpenStore;
  let now: number;
  const crmOn = (settings: { staleAfterDays?: number; staleCheck?: string } = {}) =>
    createCrmConnector({ documents: store.documents, now: () => now, staleAfterDays: settings.staleAfterDays ?? 21, staleCheck: settings.staleCheck ?? '0 * * * *' });

  beforeEach(async () => {
    store = await open();
    now = TEST_NOW;
    await seedExampleCrm(store.documents, TEST_NOW);
  });
  afterEach(() => store.close());

  it('announces each open deal quiet for too long when it starts, with its pipeline at the top level', async () => {
    const context = recordingContext();
    const stop = await crmOn().start(context);
    await stop();
    expect(staleOnes(context.events)).toEqual([
      {
        event: 'crm.deal.stale',
        id: 'D-1058@2025-02-14',
        data: { dealId: 'D-1058', name: 'Initech - team plan', account: 'Initech', pipeline: 'new-business', stage: 'discovery', owner: 'Priya Shah', value: 18_000, currency: 'USD', lastActivity: '2025-02-14', daysInactive: 26 },
      },
      expect.objectContaining({ id: 'D-1063@2025-02-07', data: expect.objectContaining({ dealId: 'D-1063', pipeline: 'new-business', daysInactive: 33 }) }),
    ]);
  });

  it('follows the staleAfterDays setting', async () => {
    const context = recordingContext();
    await (await crmOn({ staleAfterDays: 30 }).start(context))();
    expect(staleOnes(context.events).map((emitted) => emitted.id)).toEqual(['D-1063@2025-02-07']);
  });

  it('announces a quiet period once, across restarts and new instances, and again after new activity goes quiet', async () => {
    const first = recordingContext();
    const crm = crmOn();
    await (await crm.start(first))();
    expect(staleOnes(first.events)).toHaveLength(2);

    // A restart of the same connector, and another instance on the same store, announce nothing new.
    const restarted = recordingContext();
    await (await crm.start(restarted))();
    const other = recordingContext();
    await (await crmOn().start(other))();
    expect([...staleOnes(restarted.events), ...staleOnes(other.events)]).toEqual([]);

    // A call today makes D-1063 fresh; 22 days later it is quiet again, as a new period.
    await callTool(crm, 'crm.logActivity', { dealId: 'D-1063', kind: 'call', summary: 'Agreed on a one-clinic pilot' });
    now = TEST_NOW + 22 * DAY_MS;
    const later = recordingContext();
    await (await crmOn().start(later))();
    const d1063 = staleOnes(later.events).filter((emitted) => emitted.data.dealId === 'D-1063');
    expect(d1063).toEqual([expect.objectContaining({ id: 'D-1063@2025-03-12', data: expect.objectContaining({ lastActivity: '2025-03-12', daysInactive: 22 }) })]);
    // D-1058 is still in the quiet period it was announced for.
    expect(staleOnes(later.events).map((emitted) => emitted.data.dealId)).not.toContain('D-1058');
  });

  it('leaves closed deals alone', async () => {
    now = TEST_NOW + 400 * DAY_MS;
    const context = recordingContext();
    await (await crmOn().start(context))();
    const announced = staleOnes(context.events).map((emitted) => emitted.data.dealId);
    expect(announced).toHaveLength(6);
    expect(announced).not.toContain('D-1034');
    expect(announced).not.toContain('D-1029');
  });

  it('checks again on its schedule while started', async () => {
    const context = recordingContext();
    const crm = crmOn({ staleCheck: '* * * * * *' });
    const stop = await crm.start(context);
    try {
      expect(staleOnes(context.events)).toHaveLength(2);
      await callTool(crm, 'crm.logActivity', { dealId: 'D-1063', kind: 'email', summary: 'Sent the pilot scope' });
      now = TEST_NOW + 22 * DAY_MS;
      await waitFor(() => staleOnes(context.events).some((emitted) => emitted.id === 'D-1063@2025-03-12'), 'the scheduled check to announce D-1063 again');
    } finally {
      await stop();
    }
    expect(staleOnes(context.events).filter((emitted) => emitted.data.dealId === 'D-1063')).toHaveLength(2);
  });
});
