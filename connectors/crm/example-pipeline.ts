// A small, believable sales pipeline for the examples. Its days are counted from the day it is
// made, so there is always a deal closing this week, an open one without a next step and two
// new-business deals gone quiet for more than three weeks.
import { addDays, endOfWeek } from './crm-days.ts';
import type { Activity, Company, Contact, Deal, Note } from './crm-model.ts';

export interface ExamplePipeline {
  companies: Company[];
  contacts: Contact[];
  deals: Deal[];
}

const PRIYA = { name: 'Priya Shah', email: 'priya.shah@example.com' };
const MARCUS = { name: 'Marcus Webb', email: 'marcus.webb@example.com' };

const companies: Company[] = [
  { id: 'CO-101', name: 'Acme Corp', domain: 'acme.example', industry: 'Manufacturing' },
  { id: 'CO-102', name: 'Globex', domain: 'globex.example', industry: 'Logistics' },
  { id: 'CO-103', name: 'Initech', domain: 'initech.example', industry: 'Software' },
  { id: 'CO-104', name: 'Umbrella Health', domain: 'umbrella.example', industry: 'Healthcare' },
  { id: 'CO-105', name: 'Hooli', domain: 'hooli.example', industry: 'Technology' },
];

const contacts: Contact[] = [
  { id: 'CT-201', name: 'Jordan Lee', email: 'jordan.lee@acme.example', title: 'Head of Operations', companyId: 'CO-101' },
  { id: 'CT-202', name: 'Riley Novak', email: 'riley.novak@acme.example', title: 'Procurement Manager', companyId: 'CO-101' },
  { id: 'CT-203', name: 'Mei Chen', email: 'm.chen@globex.example', title: 'Head of Data', companyId: 'CO-102' },
  { id: 'CT-204', name: 'Sam Patel', email: 'it@initech.example', title: 'IT Director', companyId: 'CO-103' },
  { id: 'CT-205', name: 'Dana Ortiz', email: 'dana.ortiz@umbrella.example', title: 'VP Clinical Operations', companyId: 'CO-104' },
  { id: 'CT-206', name: 'Gavin Brooks', email: 'gavin.brooks@hooli.example', title: 'VP Engineering', companyId: 'CO-105' },
];

type DealFields = Omit<Deal, 'currency' | 'followUpDate' | 'lastActivity' | 'activities' | 'notes' | 'stageHistory'> & {
  /** Newest first, without ids. */
  activities: Omit<Activity, 'activityId' | 'by'>[];
  notes?: Omit<Note, 'noteId'>[];
};

function deal({ activities, notes = [], ...fields }: DealFields): Deal {
  const count = activities.length;
  return {
    ...fields,
    currency: 'USD',
    followUpDate: null,
    // Numbered in the order they happened, as crm.logActivity numbers them.
    activities: activities.map((activity, index) => ({ activityId: `A-${fields.id}-${count - index}`, by: fields.owner.email, ...activity })),
    lastActivity: activities[0]!.day,
    notes: notes.map((note, index) => ({ noteId: `N-${fields.id}-${index + 1}`, ...note })),
    stageHistory: [],
  };
}

export function examplePipeline(today: string): ExamplePipeline {
  const ago = (days: number) => addDays(today, -days);
  const ahead = (days: number) => addDays(today, days);
  const deals = [
    deal({
      id: 'D-1042', name: 'Acme Corp - annual renewal', companyId: 'CO-101', contactId: 'CT-201', pipeline: 'renewal', stage: 'negotiation', value: 48_000, owner: PRIYA,
      expectedClose: endOfWeek(today), nextStep: 'Send the revised order form',
      activities: [
        { day: ago(2), kind: 'call', summary: 'Agreed on a 5% uplift; their legal team reviews the order form' },
        { day: ago(9), kind: 'meeting', summary: 'Renewal review: usage up 30% on last year' },
      ],
      lastEmail: { from: 'jordan.lee@acme.example', day: ago(2), subject: 'Re: renewal terms', excerpt: 'Looks good. Send over the revised order form and I will route it for signature.' },
      notes: [{ day: ago(2), by: PRIYA.email, text: 'Procurement (Riley) wants the order form before the end of the week.' }],
    }),
    deal({
      id: 'D-1051', name: 'Globex - analytics add-on', companyId: 'CO-102', contactId: 'CT-203', pipeline: 'new-business', stage: 'proposal', value: 32_500, owner: MARCUS,
      expectedClose: ahead(9), nextStep: null,
      activities: [{ day: ago(5), kind: 'meeting', summary: 'Demo of the analytics add-on to the data team' }],
      lastEmail: { from: 'm.chen@globex.example', day: ago(5), subject: 'Pricing for 40 seats', excerpt: 'Could you send pricing for 40 seats, billed annually?' },
    }),
    deal({
      id: 'D-1058', name: 'Initech - team plan', companyId: 'CO-103', contactId: 'CT-204', pipeline: 'new-business', stage: 'discovery', value: 18_000, owner: PRIYA,
      expectedClose: ahead(40), nextStep: 'Answer the rest of the security questionnaire',
      activities: [
        { day: ago(26), kind: 'email', summary: 'Sent part 1 of the security questionnaire' },
        { day: ago(31), kind: 'call', summary: 'Discovery call: 25 seats, single sign-on is a must' },
      ],
      lastEmail: { from: 'it@initech.example', day: ago(26), subject: 'Security review', excerpt: 'Thanks. We will come back to you once our internal review is done.' },
    }),
    deal({
      id: 'D-1063', name: 'Umbrella Health - pilot', companyId: 'CO-104', contactId: 'CT-205', pipeline: 'new-business', stage: 'proposal', value: 24_000, owner: MARCUS,
      expectedClose: ahead(20), nextStep: 'Agree on the pilot scope',
      activities: [{ day: ago(33), kind: 'meeting', summary: 'Walked through the proposal; they asked for a smaller pilot' }],
      lastEmail: { from: 'dana.ortiz@umbrella.example', day: ago(33), subject: 'Pilot size', excerpt: 'Could the pilot start with one clinic instead of three?' },
    }),
    deal({
      id: 'D-1066', name: 'Acme Corp - procurement module', companyId: 'CO-101', contactId: 'CT-202', pipeline: 'new-business', stage: 'qualification', value: 9_000, owner: MARCUS,
      expectedClose: ahead(55), nextStep: 'Book a discovery call with procurement',
      activities: [{ day: ago(3), kind: 'email', summary: 'Riley asked whether the procurement module has volume pricing' }],
      lastEmail: { from: 'riley.novak@acme.example', day: ago(3), subject: 'Volume pricing?', excerpt: 'Do you offer volume pricing on the procurement module for 200 users?' },
    }),
    deal({
      id: 'D-1070', name: 'Hooli - expansion', companyId: 'CO-105', contactId: 'CT-206', pipeline: 'new-business', stage: 'negotiation', value: 61_000, owner: PRIYA,
      expectedClose: ahead(11), nextStep: 'Legal review of the MSA',
      activities: [{ day: ago(1), kind: 'email', summary: 'Sent the MSA redlines' }],
      lastEmail: { from: 'gavin.brooks@hooli.example', day: ago(1), subject: 'MSA redlines', excerpt: 'Our legal team will review the redlines by Friday.' },
    }),
    deal({
      id: 'D-1034', name: 'Globex - support renewal', companyId: 'CO-102', contactId: 'CT-203', pipeline: 'renewal', stage: 'closed-won', value: 12_000, owner: MARCUS,
      expectedClose: ago(12), nextStep: null,
      activities: [{ day: ago(12), kind: 'call', summary: 'Renewal signed for another year' }],
      lastEmail: { from: 'm.chen@globex.example', day: ago(12), subject: 'Signed renewal', excerpt: 'Signed copy attached. Thanks for the smooth process.' },
    }),
    deal({
      id: 'D-1029', name: 'Initech - data residency add-on', companyId: 'CO-103', contactId: 'CT-204', pipeline: 'new-business', stage: 'closed-lost', value: 9_500, owner: PRIYA,
      expectedClose: ago(45), nextStep: null,
      activities: [{ day: ago(45), kind: 'call', summary: 'They chose to keep their data on premises for now' }],
      lastEmail: { from: 'it@initech.example', day: ago(46), subject: 'Data residency', excerpt: 'We have decided to keep our data on premises this year.' },
    }),
  ];
  return { companies: structuredClone(companies), contacts: structuredClone(contacts), deals };
}
