// The `crm.deal.stale` check: an open deal with no activity for `staleAfterDays` is announced
// once per quiet period. A period is the deal's last activity day, so new activity makes the
// deal eligible again once it goes quiet for long enough.
import type { Documents } from '../../persistence/index.ts';
import type { ConnectorContext } from '../connector-kit.ts';
import { addDays, dayOf, daysBetween } from './crm-days.ts';
import { COLLECTIONS, isOpen } from './crm-model.ts';
import type { CrmRecords } from './crm-records.ts';

export const STALE_EVENT = 'crm.deal.stale';

export interface StaleCheckOptions {
  documents: Documents;
  records: CrmRecords;
  now(): number;
  staleAfterDays: number;
  emit: ConnectorContext['emit'];
}

interface StaleNotice {
  dealId: string;
  lastActivity: string;
  notifiedAt: number;
}

/** One look at every deal; resolves to the number of deals announced as stale. */
export async function checkStaleDeals({ documents, records, now, staleAfterDays, emit }: StaleCheckOptions): Promise<number> {
  const today = dayOf(now());
  const quietSince = addDays(today, -staleAfterDays);
  const stale = (await records.deals()).filter((deal) => isOpen(deal.stage) && deal.lastActivity <= quietSince);
  if (stale.length === 0) return 0;
  const accounts = await records.accounts();
  let announced = 0;
  for (const deal of stale) {
    const id = `${deal.id}@${deal.lastActivity}`;
    if (await documents.get<StaleNotice>(COLLECTIONS.staleNotices, id)) continue;
    // Emit first, remember after: a crash in between re-emits the same id, which the bus drops,
    // where remembering first would lose the event for good.
    await emit(
      STALE_EVENT,
      {
        dealId: deal.id,
        name: deal.name,
        account: accounts.get(deal.companyId) ?? deal.companyId,
        pipeline: deal.pipeline,
        stage: deal.stage,
        owner: deal.owner.name,
        value: deal.value,
        currency: deal.currency,
        lastActivity: deal.lastActivity,
        daysInactive: daysBetween(deal.lastActivity, today),
      },
      id,
    );
    await documents.put(COLLECTIONS.staleNotices, id, { dealId: deal.id, lastActivity: deal.lastActivity, notifiedAt: now() } satisfies StaleNotice);
    announced++;
  }
  return announced;
}
