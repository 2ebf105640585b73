// HubSpot records as coworkers see them: the properties each tool asks for, and plain JSON
// summaries with readable field names in place of HubSpot's internal property names.

/** A record as the client returns it (deals, contacts, notes share the shape). */
export interface HubspotRecord {
  id: string;
  properties: Record<string, string | null>;
  createdAt?: Date;
  updatedAt?: Date;
  associations?: Record<string, { results: Array<{ id: string }> }>;
}

export const DEAL_PROPERTIES = [
  'dealname',
  'dealstage',
  'pipeline',
  'amount',
  'deal_currency_code',
  'closedate',
  'hs_next_step',
  'hubspot_owner_id',
  'notes_last_updated',
];

export const CONTACT_PROPERTIES = ['firstname', 'lastname', 'email', 'phone', 'company', 'jobtitle', 'lifecyclestage', 'hubspot_owner_id'];

export function dealOf(record: HubspotRecord) {
  const property = (name: string) => record.properties[name] || null;
  const amount = property('amount');
  return {
    id: record.id,
    name: property('dealname'),
    stage: property('dealstage'),
    pipeline: property('pipeline'),
    amount: amount === null ? null : Number(amount),
    currency: property('deal_currency_code'),
    // HubSpot keeps a close date as a timestamp; the day is what people mean by it.
    closeDate: property('closedate')?.slice(0, 10) ?? null,
    nextStep: property('hs_next_step'),
    ownerId: property('hubspot_owner_id'),
    lastActivity: property('notes_last_updated'),
    updatedAt: isoOf(record.updatedAt),
  };
}

export function contactOf(record: HubspotRecord) {
  const property = (name: string) => record.properties[name] || null;
  const name = [property('firstname'), property('lastname')].filter((part) => part !== null).join(' ');
  return {
    id: record.id,
    name: name || null,
    email: property('email'),
    phone: property('phone'),
    company: property('company'),
    jobTitle: property('jobtitle'),
    lifecycleStage: property('lifecyclestage'),
    ownerId: property('hubspot_owner_id'),
    updatedAt: isoOf(record.updatedAt),
  };
}

/** The ids of the records of one kind associated with this one (`contacts`, `deals`). */
export function associatedIds(record: HubspotRecord, kind: string): string[] {
  // HubSpot lists a pair once per association type (labelled and unlabelled).
  return [...new Set(record.associations?.[kind]?.results.map((associated) => associated.id))];
}

function isoOf(date: Date | undefined): string | null {
  return date instanceof Date && !Number.isNaN(date.getTime()) ? date.toISOString() : null;
}
