// Seeding the example pipeline on both stores (once, only into an empty CRM, even when two
// connectors start together), the pipeline's shape, and the `crm` settings.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { Documents } from '../../persistence/index.ts';
import { testConnectorDeps } from '../connector-test-kit.ts';
import { addDays, endOfWeek } from './crm-days.ts';
import { crmFactory, crmSettings } from './crm.factory.ts';
import { COLLECTIONS, isOpen, type Company, type Contact, type Deal } from './crm-model.ts';
import { seedExampleCrm } from './crm-seed.ts';
import { TEST_NOW, callTool, testStores, type OpenStore } from './crm-test-stores.ts';
import { examplePipeline } from './example-pipeline.ts';

/** Deps on the test's store; with no secrets set, asking for one fails the test. */
const depsOn = (documents: Documents) => testConnectorDeps({ documents, now: () => TEST_NOW });

/** The documents, counting the deals written. */
function countingDealWrites(documents: Documents): { documents: Documents; dealWrites: () => number } {
  let writes = 0;
  return {
    dealWrites: () => writes,
    documents: {
      ...documents,
      async put(collection, id, document) {
        if (collection === COLLECTIONS.deals) writes++;
        return documents.put(collection, id, document);
      },
    },
  };
}

describe.each(testStores)('seeding the crm on $name', ({ open }) => {
  let store: OpenStore;
  beforeEach(async () => {
    store = await open();
  });
  afterEach(() => store.close());

  it('seeds once when two connectors start together', async () => {
    const { documents, dealWrites } = countingDealWrites(store.documents);
    const settings = crmSettings.parse({ seed: 'example' });
    const [first, second] = await Promise.all([crmFactory.create(settings, depsOn(documents)), crmFactory.create(settings, depsOn(documents))]);
    expect(dealWrites()).toBe(examplePipeline('2025-03-12').deals.length);
    expect(await store.documents.list(COLLECTIONS.deals)).toHaveLength(8);
    expect(await store.documents.get(COLLECTIONS.meta, 'seed')).toEqual({ seed: 'example', at: TEST_NOW });
    for (const crm of [first, second].flat()) expect((await callTool(crm, 'crm.getDeal', { dealId: 'D-1063' })).deal.account).toBe('Umbrella Health');
    expect(await Promise.all([seedExampleCrm(store.documents, TEST_NOW), seedExampleCrm(store.documents, TEST_NOW)])).toEqual([false, false]);
  });

  it('lets exactly one of two seeds at once win', async () => {
    const results = await Promise.all([seedExampleCrm(store.documents, TEST_NOW), seedExampleCrm(store.documents, TEST_NOW)]);
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it('keeps what changed since the seed when the connector starts again', async () => {
    const settings = crmSettings.parse({ seed: 'example' });
    const [crm] = [await crmFactory.create(settings, depsOn(store.documents))].flat();
    await callTool(crm!, 'crm.updateDeal', { dealId: 'D-1051', nextStep: 'Send pricing for 40 seats' });
    const [again] = [await crmFactory.create(settings, depsOn(store.documents))].flat();
    expect((await callTool(again!, 'crm.getDeal', { dealId: 'D-1051' })).deal.nextStep).toBe('Send pricing for 40 seats');
  });

  it('leaves a CRM that holds data alone, and seeds nothing with seed: none', async () => {
    await crmFactory.create(crmSettings.parse({}), depsOn(store.documents));
    expect(await store.documents.list(COLLECTIONS.deals)).toEqual([]);
    await store.documents.put(COLLECTIONS.companies, 'CO-1', { id: 'CO-1', name: 'Our first customer', domain: 'first.example', industry: 'Retail' });
    expect(await seedExampleCrm(store.documents, TEST_NOW)).toBe(false);
    expect(await store.documents.list(COLLECTIONS.deals)).toEqual([]);
    expect(await store.documents.get(COLLECTIONS.meta, 'seed')).toBeNull();
  });
});

describe('the example pipeline', () => {
  // Every weekday, since "this week" depends on it.
  const days = Array.from({ length: 7 }, (_, offset) => addDays('2025-03-10', offset));

  it.each(days)('on %s has a deal closing this week, one without a next step and two new-business deals quiet for over 21 days', (today) => {
    const { companies, contacts, deals } = examplePipeline(today);
    const open = deals.filter((deal) => isOpen(deal.stage));
    expect(deals.length).toBeGreaterThanOrEqual(5);
    expect(deals.length).toBeLessThanOrEqual(8);
    expect(new Set(deals.map((deal) => deal.pipeline))).toEqual(new Set(['new-business', 'renewal']));
    expect(open.some((deal) => deal.expectedClose >= today && deal.expectedClose <= endOfWeek(today))).toBe(true);
    expect(open.filter((deal) => deal.nextStep === null)).toHaveLength(1);
    const quietSince = addDays(today, -21);
    expect(open.filter((deal) => deal.pipeline === 'new-business' && deal.lastActivity < quietSince).map((deal) => deal.id)).toEqual(['D-1058', 'D-1063']);
    expect(deals.every((deal) => deal.lastActivity <= today && deal.activities[0]?.day === deal.lastActivity)).toBe(true);
    // Every deal names a company and a contact that exist.
    const companyIds = new Set(companies.map((company: Company) => company.id));
    const contactIds = new Set(contacts.map((contact: Contact) => contact.id));
    expect(deals.every((deal: Deal) => companyIds.has(deal.companyId) && contactIds.has(deal.contactId))).toBe(true);
  });
});

describe('the crm settings', () => {
  it('default to no seed, 21 days and an hourly check', () => {
    expect(crmSettings.parse({})).toEqual({ seed: 'none', staleAfterDays: 21, staleCheck: '0 * * * *' });
  });

  it('refuse a bad cron, a bad seed and unknown keys, saying what to write', () => {
    const problems = (input: unknown) => {
      const parsed = crmSettings.safeParse(input);
      return parsed.success ? '' : z.prettifyError(parsed.error);
    };
    expect(problems({ staleCheck: 'every hour' })).toContain('not a valid cron expression');
    expect(problems({ seed: 'demo' })).toContain('must be "example" or "none"');
    expect(problems({ staleDays: 21 })).toContain('staleDays');
  });
});
