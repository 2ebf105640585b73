// The `crm` sample: a small sales pipeline whose dates are set relative to the day it is made,
// so there is always a deal closing this week, one without a next step and two gone dormant.
import { z } from 'zod';
import { CoworkersError } from '../../protocol/index.ts';
import { defineConnector, type Connector } from '../connector-kit.ts';
import { SAMPLE_SOURCE, addDays, today } from './sample-data.ts';

const STAGES = ['qualification', 'discovery', 'proposal', 'negotiation', 'closed-won', 'closed-lost'] as const;
const PIPELINES = ['new-business', 'renewal'] as const;

export interface CrmNote {
  noteId: string;
  day: string;
  /** The coworker that wrote it. */
  by: string;
  text: string;
}

export interface CrmDeal {
  id: string;
  name: string;
  account: string;
  pipeline: (typeof PIPELINES)[number];
  stage: (typeof STAGES)[number];
  value: number;
  currency: 'USD';
  owner: { name: string; email: string };
  contact: { name: string; email: string };
  expectedClose: string;
  nextStep: string | null;
  followUpDate: string | null;
  lastActivity: string;
  activities: { day: string; kind: 'email' | 'call' | 'meeting'; summary: string }[];
  lastEmail: { from: string; day: string; subject: string; excerpt: string };
  notes: CrmNote[];
}

export interface CrmSample extends Connector<'crm'> {
  /** The pipeline as it is now, notes and updates included. */
  readonly deals: readonly CrmDeal[];
}

const PRIYA = { name: 'Priya Shah', email: 'priya.shah@example.com' };
const MARCUS = { name: 'Marcus Webb', email: 'marcus.webb@example.com' };

function samplePipeline(day: string): CrmDeal[] {
  const ago = (days: number) => addDays(day, -days);
  const deal = (fields: Omit<CrmDeal, 'currency' | 'followUpDate' | 'notes' | 'lastActivity'>): CrmDeal => ({
    ...fields,
    currency: 'USD',
    followUpDate: null,
    notes: [],
    lastActivity: fields.activities[0]?.day ?? day,
  });
  return [
    deal({
      id: 'D-1042', name: 'Acme Corp - annual renewal', account: 'Acme Corp', pipeline: 'renewal', stage: 'negotiation', value: 48_000,
      owner: PRIYA, contact: { name: 'Jordan Lee', email: 'jordan.lee@acme.example' }, expectedClose: addDays(day, 4), nextStep: 'Send the revised order form',
      activities: [{ day: ago(2), kind: 'call', summary: 'Agreed on a 5% uplift; legal to review the order form' }],
      lastEmail: { from: 'jordan.lee@acme.example', day: ago(2), subject: 'Re: renewal terms', excerpt: 'Thanks, send the revised order form and I will get it signed.' },
    }),
    deal({
      id: 'D-1051', name: 'Globex - analytics add-on', account: 'Globex', pipeline: 'new-business', stage: 'proposal', value: 32_500,
      owner: MARCUS, contact: { name: 'Mei Chen', email: 'm.chen@globex.example' }, expectedClose: addDays(day, 9), nextStep: null,
      activities: [{ day: ago(5), kind: 'meeting', summary: 'Demo of the analytics add-on to the data team' }],
      lastEmail: { from: 'm.chen@globex.example', day: ago(5), subject: 'Pricing question', excerpt: 'Could you share pricing for 40 seats?' },
    }),
    deal({
      id: 'D-1058', name: 'Initech - team plan', account: 'Initech', pipeline: 'new-business', stage: 'discovery', value: 18_000,
      owner: PRIYA, contact: { name: 'Sam Patel', email: 'it@initech.example' }, expectedClose: addDays(day, 40), nextStep: 'Answer the security questionnaire',
      activities: [
        { day: ago(26), kind: 'email', summary: 'Sent the security questionnaire answers, part 1' },
        { day: ago(31), kind: 'call', summary: 'Discovery call: 25 seats, SSO required' },
      ],
      lastEmail: { from: 'it@initech.example', day: ago(26), subject: 'Security review', excerpt: 'We will come back to you after our internal review.' },
    }),
    deal({
      id: 'D-1063', name: 'Umbrella Health - pilot', account: 'Umbrella Health', pipeline: 'new-business', stage: 'proposal', value: 24_000,
      owner: MARCUS, contact: { name: 'Dana Ortiz', email: 'dana.ortiz@umbrella.example' }, expectedClose: addDays(day, 20), nextStep: 'Agree on the pilot scope',
      activities: [{ day: ago(33), kind: 'meeting', summary: 'Proposal walkthrough; they asked for a smaller pilot' }],
      lastEmail: { from: 'dana.ortiz@umbrella.example', day: ago(33), subject: 'Pilot size', excerpt: 'Could the pilot start with one clinic instead of three?' },
    }),
    deal({
      id: 'D-1070', name: 'Hooli - expansion', account: 'Hooli', pipeline: 'new-business', stage: 'negotiation', value: 61_000,
      owner: PRIYA, contact: { name: 'Gavin Brooks', email: 'gavin.brooks@hooli.example' }, expectedClose: addDays(day, 6), nextStep: 'Legal review of the MSA',
      activities: [{ day: ago(1), kind: 'email', summary: 'Sent the MSA redlines' }],
      lastEmail: { from: 'gavin.brooks@hooli.example', day: ago(1), subject: 'MSA redlines', excerpt: 'Our legal team will review by Friday.' },
    }),
  ];
}

function summaryOf(deal: CrmDeal) {
  const { id, name, account, pipeline, stage, value, currency, expectedClose, nextStep, followUpDate, lastActivity } = deal;
  return { id, name, account, pipeline, stage, value, currency, owner: deal.owner.name, expectedClose, nextStep, followUpDate, lastActivity };
}

const dealIdSchema = z.string().min(1).describe('The deal id, e.g. "D-1042", as crm.searchDeals returns it.');

export function createCrmSample(): CrmSample {
  const deals = samplePipeline(today());

  function dealById(dealId: string): CrmDeal {
    const found = deals.find((deal) => deal.id === dealId);
    if (found) return found;
    throw new CoworkersError('TOOL_FAILED', `The CRM has no deal "${dealId}".`, { hint: 'Find deal ids with crm.searchDeals.' });
  }

  const connector = defineConnector({
    name: 'crm',
    description: 'A sample CRM for the offline demo.',
    tools: {
      searchDeals: {
        description: 'Find open deals by name, pipeline, expected close date or days without activity; returns a summary of each.',
        risk: 'read',
        input: z.strictObject({
          query: z.string().optional().describe('Words to find in the deal or account name.'),
          pipeline: z.enum(PIPELINES).optional(),
          closingBy: z.iso.date().optional().describe('Only deals expected to close on or before this day, YYYY-MM-DD.'),
          inactiveForDays: z.number().int().positive().optional().describe('Only deals with no activity for at least this many days.'),
        }),
        async run({ query, pipeline, closingBy, inactiveForDays }) {
          const quietSince = inactiveForDays === undefined ? undefined : addDays(today(), -inactiveForDays);
          const found = deals.filter(
            (deal) =>
              !deal.stage.startsWith('closed') &&
              (!query || `${deal.name} ${deal.account}`.toLowerCase().includes(query.toLowerCase())) &&
              (!pipeline || deal.pipeline === pipeline) &&
              (!closingBy || deal.expectedClose <= closingBy) &&
              (!quietSince || deal.lastActivity <= quietSince),
          );
          return { source: SAMPLE_SOURCE, deals: found.map(summaryOf) };
        },
      },
      getDeal: {
        description: "One deal in full: owner, contact, stage, value, next step, recent activities, the contact's last email and notes.",
        risk: 'read',
        input: z.strictObject({ dealId: dealIdSchema }),
        async run({ dealId }) {
          // A copy: a later note or update must not change what this call answered.
          return { source: SAMPLE_SOURCE, deal: structuredClone(dealById(dealId)) };
        },
      },
      addNote: {
        description: 'Add a note to a deal, visible to everyone who can see the deal.',
        risk: 'write',
        input: z.strictObject({ dealId: dealIdSchema, text: z.string().min(1) }),
        async run({ dealId, text }, { coworkerId }) {
          const deal = dealById(dealId);
          const note = { noteId: `N-${deal.id}-${deal.notes.length + 1}`, day: today(), by: coworkerId, text };
          deal.notes.push(note);
          return { source: SAMPLE_SOURCE, dealId, noteId: note.noteId };
        },
      },
      updateDeal: {
        description: "Change a deal's stage, next step, follow-up date or expected close date.",
        risk: 'write',
        input: z
          .strictObject({
            dealId: dealIdSchema,
            stage: z.enum(STAGES).optional(),
            nextStep: z.string().min(1).optional(),
            followUpDate: z.iso.date().optional().describe('YYYY-MM-DD.'),
            expectedClose: z.iso.date().optional().describe('YYYY-MM-DD.'),
          })
          .refine(({ dealId, ...changes }) => Object.values(changes).some((value) => value !== undefined), {
            message: 'Give at least one field to change: stage, nextStep, followUpDate or expectedClose',
          }),
        async run({ dealId, ...changes }) {
          const deal = dealById(dealId);
          for (const [field, value] of Object.entries(changes)) if (value !== undefined) Object.assign(deal, { [field]: value });
          return { source: SAMPLE_SOURCE, deal: summaryOf(deal) };
        },
      },
    },
  });
  return { ...connector, deals };
}
