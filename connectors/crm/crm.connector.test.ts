// The built-in CRM's tools and its stage-change event, on both stores, against the example
// pipeline seeded at a fixed "now" (Wednesday 2025-03-12).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isCoworkersError } from '../../protocol/index.ts';
import { createCrmConnector } from './crm.connector.ts';
import { seedExampleCrm } from './crm-seed.ts';
import { TEST_NOW, callTool, recordingContext, testStores, type OpenStore } from './crm-test-stores.ts';

function crmOn(store: OpenStore, now = () => TEST_NOW) {
  return createCrmConnector({ documents: store.documents, now, staleAfterDays: 21, staleCheck: '0 * * * *' });
}

async function failureOf(promise: Promise<unknown>): Promise<{ code: string; message: string; hint?: string }> {
  const error = await promise.then(
    () => expect.fail('the call should have failed'),
    (rejection: unknown) => rejection,
  );
  if (!isCoworkersError(error)) throw error;
  return { code: error.code, message: error.message, hint: error.hint };
}

describe.each(testStores)('the crm connector on $name', ({ open }) => {
  let store: OpenStore;
  beforeEach(async () => {
    store = await open();
    await seedExampleCrm(store.documents, TEST_NOW);
  });
  afterEach(() => store.close());

  it('declares its tools with their risks and scopes, and both events', () => {
    const crm = crmOn(store);
    expect(Object.fromEntries(crm.specs.map((spec) => [spec.name, spec.risk]))).toEqual({
      'crm.searchDeals': 'read',
      'crm.getDeal': 'read',
      'crm.updateDeal': 'write',
      'crm.moveStage': 'write',
      'crm.addNote': 'write',
      'crm.logActivity': 'write',
      'crm.searchContacts': 'read',
      'crm.getContact': 'read',
    });
    expect(crm.scopes['crm.moveStage']).toEqual(['crm.deals:write']);
    expect(crm.scopes['crm.searchContacts']).toEqual(['crm.contacts:read']);
    expect(crm.events.map((event) => event.name)).toEqual(['crm.deal.stage_changed', 'crm.deal.stale']);
  });

  it('searchDeals finds open deals by pipeline and quiet days, with the summary fields the examples read', async () => {
    const { deals } = await callTool(crmOn(store), 'crm.searchDeals', { pipeline: 'new-business', inactiveForDays: 21 });
    expect(deals).toEqual([
      {
        id: 'D-1058', name: 'Initech - team plan', account: 'Initech', pipeline: 'new-business', stage: 'discovery', value: 18_000, currency: 'USD',
        owner: 'Priya Shah', expectedClose: '2025-04-21', nextStep: 'Answer the rest of the security questionnaire', followUpDate: null, lastActivity: '2025-02-14',
      },
      expect.objectContaining({ id: 'D-1063', account: 'Umbrella Health', owner: 'Marcus Webb', lastActivity: '2025-02-07' }),
    ]);
  });

  it('searchDeals filters by close date, words and stage; without a stage it leaves closed deals out', async () => {
    const crm = crmOn(store);
    const ids = async (args: Record<string, unknown>) => ((await callTool(crm, 'crm.searchDeals', args)).deals as { id: string }[]).map((deal) => deal.id);
    expect(await ids({ closingBy: '2025-03-26' })).toEqual(['D-1042', 'D-1051', 'D-1070']);
    expect(await ids({ query: 'ACME' })).toEqual(['D-1042', 'D-1066']);
    expect(await ids({})).toEqual(['D-1042', 'D-1051', 'D-1058', 'D-1063', 'D-1066', 'D-1070']);
    expect(await ids({ stage: 'closed-won' })).toEqual(['D-1034']);
    expect(await ids({ pipeline: 'renewal' })).toEqual(['D-1042']);
  });

  it('getDeal answers the deal in full, its contact email marked as untrusted', async () => {
    const { deal } = await callTool(crmOn(store), 'crm.getDeal', { dealId: 'D-1042' });
    expect(deal).toMatchObject({
      id: 'D-1042',
      account: 'Acme Corp',
      stage: 'negotiation',
      owner: { name: 'Priya Shah', email: 'priya.shah@example.com' },
      contact: { name: 'Jordan Lee', email: 'jordan.lee@acme.example', title: 'Head of Operations' },
      expectedClose: '2025-03-16',
      lastActivity: '2025-03-10',
      activities: [
        { activityId: 'A-D-1042-2', day: '2025-03-10', kind: 'call' },
        { activityId: 'A-D-1042-1', day: '2025-03-03', kind: 'meeting' },
      ],
      lastEmail: { from: 'jordan.lee@acme.example', subject: 'Re: renewal terms', untrusted: true },
      notes: [{ noteId: 'N-D-1042-1', by: 'priya.shah@example.com' }],
      stageHistory: [],
    });
    expect(deal.lastEmail.excerpt).toContain('revised order form');
  });

  it('refuses an unknown deal with a hint to search for ids', async () => {
    const failure = await failureOf(callTool(crmOn(store), 'crm.getDeal', { dealId: 'D-9999' }));
    expect(failure).toMatchObject({ code: 'TOOL_FAILED', message: expect.stringContaining('no deal "D-9999"'), hint: expect.stringContaining('crm.searchDeals') });
    const update = await failureOf(callTool(crmOn(store), 'crm.addNote', { dealId: 'D-9999', text: 'hello' }));
    expect(update.message).toContain('no deal "D-9999"');
  });

  it('addNote keeps the note with the deal, written by the calling coworker, without counting as activity', async () => {
    const crm = crmOn(store);
    expect(await callTool(crm, 'crm.addNote', { dealId: 'D-1063', text: 'Dormant since the proposal walkthrough.' })).toEqual({ dealId: 'D-1063', noteId: 'N-D-1063-1' });
    // Notes added at once all stay.
    await Promise.all(['one', 'two', 'three'].map((text) => callTool(crm, 'crm.addNote', { dealId: 'D-1063', text })));
    const { deal } = await callTool(crmOn(store), 'crm.getDeal', { dealId: 'D-1063' });
    expect(deal.notes[0]).toEqual({ noteId: 'N-D-1063-1', day: '2025-03-12', by: 'sam', text: 'Dormant since the proposal walkthrough.' });
    expect(deal.notes.map((note: { text: string }) => note.text).sort()).toEqual(['Dormant since the proposal walkthrough.', 'one', 'three', 'two']);
    expect(deal.lastActivity).toBe('2025-02-07');
  });

  it('updateDeal changes the fields given, kept in the store for the next connector', async () => {
    const result = await callTool(crmOn(store), 'crm.updateDeal', { dealId: 'D-1063', nextStep: 'Call to agree on the next step', followUpDate: '2025-03-14', value: 20_000 });
    expect(result.deal).toMatchObject({ id: 'D-1063', nextStep: 'Call to agree on the next step', followUpDate: '2025-03-14', value: 20_000, stage: 'proposal' });
    const { deal } = await callTool(crmOn(store), 'crm.getDeal', { dealId: 'D-1063' });
    expect(deal).toMatchObject({ nextStep: 'Call to agree on the next step', followUpDate: '2025-03-14', value: 20_000, expectedClose: '2025-04-01' });
  });

  it('updateDeal without a change, or with a bad stage, is refused naming what to fix', async () => {
    const crm = crmOn(store);
    expect((await failureOf(callTool(crm, 'crm.updateDeal', { dealId: 'D-1063' }))).message).toContain('Give at least one field to change');
    const badStage = await failureOf(callTool(crm, 'crm.updateDeal', { dealId: 'D-1063', stage: 'won' }));
    expect(badStage.message).toContain('stage: must be one of qualification, discovery, proposal, negotiation, closed-won, closed-lost');
  });

  it('moveStage moves the deal, records why, and says so when it was there already', async () => {
    const crm = crmOn(store);
    const moved = await callTool(crm, 'crm.moveStage', { dealId: 'D-1051', stage: 'negotiation', reason: 'Pricing accepted' });
    expect(moved).toMatchObject({ moved: true, from: 'proposal', to: 'negotiation', deal: { id: 'D-1051', stage: 'negotiation' } });
    const again = await callTool(crm, 'crm.moveStage', { dealId: 'D-1051', stage: 'negotiation' });
    expect(again).toMatchObject({ moved: false, deal: { stage: 'negotiation' } });
    const { deal } = await callTool(crm, 'crm.getDeal', { dealId: 'D-1051' });
    expect(deal.stageHistory).toEqual([{ from: 'proposal', to: 'negotiation', day: '2025-03-12', at: TEST_NOW, by: 'sam', reason: 'Pricing accepted' }]);
    const invalid = await failureOf(callTool(crm, 'crm.moveStage', { dealId: 'D-1051', stage: 'signed' }));
    expect(invalid.message).toContain('must be one of qualification, discovery');
  });

  it('logActivity moves the last activity, keeps activities newest first, and getDeal shows the last five', async () => {
    const crm = crmOn(store);
    const logged = await callTool(crm, 'crm.logActivity', { dealId: 'D-1063', kind: 'call', summary: 'Dana agreed to a one-clinic pilot' });
    expect(logged).toEqual({ dealId: 'D-1063', activityId: 'A-D-1063-2', lastActivity: '2025-03-12' });
    // An earlier day goes in its place and leaves the last activity as it is.
    await callTool(crm, 'crm.logActivity', { dealId: 'D-1063', kind: 'email', summary: 'Sent the pilot scope', day: '2025-02-20' });
    for (const kind of ['meeting', 'note', 'email']) await callTool(crm, 'crm.logActivity', { dealId: 'D-1063', kind, summary: `${kind} on the 1st`, day: '2025-03-01' });
    const { deal } = await callTool(crm, 'crm.getDeal', { dealId: 'D-1063' });
    expect(deal.lastActivity).toBe('2025-03-12');
    expect(deal.activities.map((activity: { activityId: string; day: string }) => `${activity.activityId} ${activity.day}`)).toEqual([
      'A-D-1063-2 2025-03-12',
      'A-D-1063-6 2025-03-01',
      'A-D-1063-5 2025-03-01',
      'A-D-1063-4 2025-03-01',
      'A-D-1063-3 2025-02-20',
    ]);
    const { deals } = await callTool(crm, 'crm.searchDeals', { inactiveForDays: 21 });
    expect(deals.map((found: { id: string }) => found.id)).toEqual(['D-1058']);
  });

  it('logActivity refuses a day in the future and a kind it does not know', async () => {
    const crm = crmOn(store);
    const future = await failureOf(callTool(crm, 'crm.logActivity', { dealId: 'D-1063', kind: 'call', summary: 'Planned call', day: '2025-03-13' }));
    expect(future).toMatchObject({ message: expect.stringContaining('after today (2025-03-12)'), hint: expect.stringContaining('crm.updateDeal') });
    const kind = await failureOf(callTool(crm, 'crm.logActivity', { dealId: 'D-1063', kind: 'lunch', summary: 'Lunch' }));
    expect(kind.message).toContain('kind: must be one of email, call, meeting, note');
  });

  it('searchContacts and getContact find people with their account and deals', async () => {
    const crm = crmOn(store);
    const { contacts } = await callTool(crm, 'crm.searchContacts', { query: 'acme' });
    expect(contacts).toEqual([
      { id: 'CT-201', name: 'Jordan Lee', email: 'jordan.lee@acme.example', title: 'Head of Operations', account: 'Acme Corp', companyId: 'CO-101' },
      expect.objectContaining({ id: 'CT-202', name: 'Riley Novak' }),
    ]);
    expect((await callTool(crm, 'crm.searchContacts', {})).contacts).toHaveLength(6);
    const { contact } = await callTool(crm, 'crm.getContact', { contactId: 'CT-203' });
    expect(contact).toMatchObject({ name: 'Mei Chen', account: 'Globex' });
    expect(contact.deals.map((deal: { id: string; stage: string }) => `${deal.id} ${deal.stage}`)).toEqual(['D-1034 closed-won', 'D-1051 proposal']);
    const unknown = await failureOf(callTool(crm, 'crm.getContact', { contactId: 'CT-999' }));
    expect(unknown).toMatchObject({ message: expect.stringContaining('no contact "CT-999"'), hint: expect.stringContaining('crm.searchContacts') });
  });

  it('announces each stage change once started, with an id of its own, and nothing once stopped', async () => {
    const crm = crmOn(store);
    await callTool(crm, 'crm.moveStage', { dealId: 'D-1070', stage: 'closed-won' });
    const context = recordingContext();
    const stop = await crm.start(context);
    const stageEvents = () => context.events.filter((emitted) => emitted.event === 'crm.deal.stage_changed');
    expect(stageEvents()).toEqual([]);

    await callTool(crm, 'crm.moveStage', { dealId: 'D-1051', stage: 'negotiation', reason: 'Pricing accepted' });
    await callTool(crm, 'crm.updateDeal', { dealId: 'D-1051', nextStep: 'Send the order form' });
    await callTool(crm, 'crm.updateDeal', { dealId: 'D-1051', stage: 'closed-won' });
    await callTool(crm, 'crm.moveStage', { dealId: 'D-1051', stage: 'closed-won' });
    expect(stageEvents()).toEqual([
      {
        event: 'crm.deal.stage_changed',
        id: 'D-1051:stage-1:negotiation',
        data: { dealId: 'D-1051', name: 'Globex - analytics add-on', account: 'Globex', pipeline: 'new-business', from: 'proposal', to: 'negotiation', owner: 'Marcus Webb', value: 32_500, currency: 'USD', reason: 'Pricing accepted', by: 'sam', day: '2025-03-12' },
      },
      expect.objectContaining({ id: 'D-1051:stage-2:closed-won', data: expect.objectContaining({ from: 'negotiation', to: 'closed-won', reason: null }) }),
    ]);

    await stop();
    await callTool(crm, 'crm.moveStage', { dealId: 'D-1042', stage: 'closed-won' });
    expect(stageEvents()).toHaveLength(2);
  });

  it('keeps the stage change when its event cannot be published', async () => {
    const crm = crmOn(store);
    const stop = await crm.start({ ...recordingContext(), emit: async () => Promise.reject(new Error('bus away')) });
    try {
      expect(await callTool(crm, 'crm.moveStage', { dealId: 'D-1066', stage: 'discovery' })).toMatchObject({ moved: true });
      expect((await callTool(crm, 'crm.getDeal', { dealId: 'D-1066' })).deal.stage).toBe('discovery');
    } finally {
      await stop();
    }
  });
});
