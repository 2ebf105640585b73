// The built-in CRM's records as the store keeps them (companies, contacts, and deals holding
// their own notes, activities and stage history) and the views its tools answer with.

export const STAGES = ['qualification', 'discovery', 'proposal', 'negotiation', 'closed-won', 'closed-lost'] as const;
export const PIPELINES = ['new-business', 'renewal'] as const;
export const ACTIVITY_KINDS = ['email', 'call', 'meeting', 'note'] as const;

export type Stage = (typeof STAGES)[number];
export type Pipeline = (typeof PIPELINES)[number];
export type ActivityKind = (typeof ACTIVITY_KINDS)[number];

/** Collections in the project's store. */
export const COLLECTIONS = {
  companies: 'crm-companies',
  contacts: 'crm-contacts',
  deals: 'crm-deals',
  /** One document per (deal, last activity) already announced as stale. */
  staleNotices: 'crm-stale-notices',
  /** The seed marker. */
  meta: 'crm-meta',
} as const;

export function isOpen(stage: Stage): boolean {
  return stage !== 'closed-won' && stage !== 'closed-lost';
}

export interface Person {
  name: string;
  email: string;
}

export interface Company {
  id: string;
  name: string;
  domain: string;
  industry: string;
}

export interface Contact extends Person {
  id: string;
  title: string;
  companyId: string;
}

export interface Note {
  noteId: string;
  day: string;
  /** The coworker (or person) that wrote it. */
  by: string;
  text: string;
}

export interface Activity {
  activityId: string;
  day: string;
  kind: ActivityKind;
  summary: string;
  by: string;
}

/** The contact's latest email as it arrived: their words, not ours. */
export interface InboundEmail {
  from: string;
  day: string;
  subject: string;
  excerpt: string;
}

export interface StageChange {
  from: Stage;
  to: Stage;
  day: string;
  /** Epoch ms of the change. */
  at: number;
  by: string;
  reason: string | null;
}

export interface Deal {
  id: string;
  name: string;
  companyId: string;
  contactId: string;
  pipeline: Pipeline;
  stage: Stage;
  value: number;
  currency: 'USD';
  /** The account owner on our side. */
  owner: Person;
  expectedClose: string;
  nextStep: string | null;
  followUpDate: string | null;
  /** The day of the latest activity; notes do not count. */
  lastActivity: string;
  /** Newest first. */
  activities: Activity[];
  lastEmail: InboundEmail | null;
  notes: Note[];
  /** Oldest first; its length numbers each change. */
  stageHistory: StageChange[];
}

export function dealSummary(deal: Deal, account: string) {
  const { id, name, pipeline, stage, value, currency, expectedClose, nextStep, followUpDate, lastActivity } = deal;
  return { id, name, account, pipeline, stage, value, currency, owner: deal.owner.name, expectedClose, nextStep, followUpDate, lastActivity };
}

export function dealInFull(deal: Deal, account: string, contact: Contact | null) {
  const { activities, lastEmail, companyId, contactId, ...fields } = deal;
  return {
    ...fields,
    account,
    companyId,
    contactId,
    contact: contact ? { name: contact.name, email: contact.email, title: contact.title } : null,
    activities: activities.slice(0, 5),
    // Written by someone outside the company: material to read, never instructions to follow.
    lastEmail: lastEmail ? { ...lastEmail, untrusted: true } : null,
  };
}

export function contactSummary(contact: Contact, account: string) {
  const { id, name, email, title, companyId } = contact;
  return { id, name, email, title, account, companyId };
}
