// The CRM's records in the project's store: reads that fail clearly on an unknown id, and one
// way to change a deal (read, change, write back), one change at a time per deal.
import { CoworkersError } from '../../protocol/index.ts';
import type { Documents } from '../../persistence/index.ts';
import { COLLECTIONS, type Company, type Contact, type Deal } from './crm-model.ts';

export interface CrmRecords {
  deal(dealId: string): Promise<Deal>;
  deals(): Promise<Deal[]>;
  contact(contactId: string): Promise<Contact | null>;
  contacts(): Promise<Contact[]>;
  /** The name of the company; its id if it has none in the store. */
  account(companyId: string): Promise<string>;
  /** The name of each company, by id. */
  accounts(): Promise<Map<string, string>>;
  /** Applies `change` to the stored deal and writes it back; a change that throws writes nothing. */
  changeDeal<T>(dealId: string, change: (deal: Deal) => T): Promise<{ deal: Deal; outcome: T }>;
}

export function createCrmRecords(documents: Documents): CrmRecords {
  // The store has no compare-and-set, so changes to one deal queue here: two notes added at once
  // by this process both stay. (Two processes changing one deal at once: the last write wins.)
  const queues = new Map<string, Promise<unknown>>();

  async function deal(dealId: string): Promise<Deal> {
    const found = await documents.get<Deal>(COLLECTIONS.deals, dealId);
    if (found) return found;
    throw new CoworkersError('TOOL_FAILED', `The CRM has no deal "${dealId}".`, { hint: 'Find deal ids with crm.searchDeals (they look like "D-1042").' });
  }

  return {
    deal,
    deals: () => documents.list<Deal>(COLLECTIONS.deals),
    contact: (contactId) => documents.get<Contact>(COLLECTIONS.contacts, contactId),
    contacts: () => documents.list<Contact>(COLLECTIONS.contacts),
    async account(companyId) {
      return (await documents.get<Company>(COLLECTIONS.companies, companyId))?.name ?? companyId;
    },
    async accounts() {
      const companies = await documents.list<Company>(COLLECTIONS.companies);
      return new Map(companies.map((company) => [company.id, company.name]));
    },
    async changeDeal(dealId, change) {
      const run = (queues.get(dealId) ?? Promise.resolve())
        .catch(() => {})
        .then(async () => {
          const current = await deal(dealId);
          const outcome = change(current);
          await documents.put(COLLECTIONS.deals, dealId, current);
          return { deal: current, outcome };
        });
      queues.set(dealId, run);
      try {
        return await run;
      } finally {
        if (queues.get(dealId) === run) queues.delete(dealId);
      }
    },
  };
}
