// Seeds an empty CRM with the example pipeline, once: a marker document that only one process
// can insert makes two processes starting together seed it once between them.
import type { Documents } from '../../persistence/index.ts';
import { dayOf } from './crm-days.ts';
import { COLLECTIONS } from './crm-model.ts';
import { examplePipeline } from './example-pipeline.ts';

const SEED_MARKER = 'seed';

/** Resolves to true when this call seeded the CRM; false when it held data or was seeded before. */
export async function seedExampleCrm(documents: Documents, now: number): Promise<boolean> {
  const held = await Promise.all([COLLECTIONS.companies, COLLECTIONS.contacts, COLLECTIONS.deals].map((collection) => documents.list(collection)));
  if (held.some((records) => records.length > 0)) return false;
  if (!(await documents.insert(COLLECTIONS.meta, SEED_MARKER, { seed: 'example', at: now }))) return false;
  const { companies, contacts, deals } = examplePipeline(dayOf(now));
  await Promise.all([
    ...companies.map((company) => documents.put(COLLECTIONS.companies, company.id, company)),
    ...contacts.map((contact) => documents.put(COLLECTIONS.contacts, contact.id, contact)),
    ...deals.map((deal) => documents.put(COLLECTIONS.deals, deal.id, deal)),
  ]);
  return true;
}
