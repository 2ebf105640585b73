// What the scripted model does for each example job when no LLM is configured: the turns a
// good model would take, written out, so `npm start` shows the whole work loop offline (tools,
// approvals, reports). Everything it writes carries the scripted label.
import { SCRIPTED_LABEL, type Playbook } from '../actors/index.ts';

type Json = Record<string, any>;

/** The first tool result that parses and has the key, e.g. the ads figures read three turns ago. */
function resultWith(results: string[], key: string): Json {
  for (const result of results) {
    try {
      const parsed = JSON.parse(result) as Json;
      if (parsed && key in parsed) return parsed;
    } catch {
      // Not JSON: an error or a person's words.
    }
  }
  return {};
}

function done(latest: string[], what: string): { text: string } {
  const refused = latest.filter((line) => line.startsWith('Not executed') || line.startsWith('Refused') || line.startsWith('Error'));
  return { text: refused.length > 0 ? `${what} Not done: ${refused.join(' ')}` : what };
}

const weeklyAdReport: Playbook = ({ turn, latest, results }) => {
  if (turn === 0) return { calls: [{ tool: 'ads.getCampaignStats', args: {} }] };
  const stats = resultWith(results, 'campaigns');
  const campaigns = (stats.campaigns ?? []) as Json[];
  // No conversions (null) is the worst cost per conversion, not the best.
  const ranked = [...campaigns].sort((a, b) => (a.costPerConversion ?? Infinity) - (b.costPerConversion ?? Infinity));
  const spend = campaigns.reduce((sum, campaign) => sum + campaign.spend, 0);
  const summary = [
    `${SCRIPTED_LABEL} Paid campaigns ${stats.period?.from} to ${stats.period?.to}: ${campaigns.length} campaigns, ${stats.currency} ${spend} spent.`,
    `Best cost per conversion: ${ranked.slice(0, 3).map((c) => `${c.campaign} (${c.costPerConversion})`).join(', ')}.`,
    `Worst: ${ranked.slice(-3).reverse().map((c) => `${c.campaign} (${c.costPerConversion})`).join(', ')}.`,
  ].join('\n');
  if (turn === 1) {
    return {
      calls: [
        ...campaigns.map((c) => ({ tool: 'sheets.appendRow', args: { sheet: 'Weekly ads', values: [stats.period?.from, c.campaign, c.spend, c.clicks, c.conversions, c.costPerConversion] } })),
        { tool: 'slack.post', args: { channel: '#ad-performance', text: summary } },
      ],
    };
  }
  if (turn === 2) return { calls: [{ tool: 'email.send', args: { to: ['agency@example.com'], subject: `Weekly ad report ${stats.period?.from}`, body: summary } }] };
  return done(latest, `Weekly ad report: ${campaigns.length} rows logged, summary posted in #ad-performance, email to the agency handled.`);
};

const reviveStaleDeal: Playbook = ({ turn, task, latest, results }) => {
  const dealId = /"dealId": "([^"]+)"/.exec(task)?.[1] ?? 'D-1063';
  if (turn === 0) return { calls: [{ tool: 'crm.getDeal', args: { dealId } }] };
  const deal = (resultWith(results, 'deal').deal ?? {}) as Json;
  const email = {
    to: [deal.contact?.email ?? 'unknown@example.com'],
    subject: `Re: ${deal.lastEmail?.subject ?? deal.name}`,
    body: `${SCRIPTED_LABEL}\nHi ${deal.contact?.name ?? 'there'},\n\nPicking up where we left off: ${deal.lastEmail?.excerpt ?? ''}\nWould a 20-minute call this week work to agree on the next step?\n\nBest,\n${deal.owner?.name ?? 'the account team'}`,
  };
  if (turn === 1) return { calls: [{ tool: 'email.draft', args: email }, { tool: 'crm.addNote', args: { dealId, text: `${SCRIPTED_LABEL} Drafted a follow-up: ${email.subject}` } }] };
  if (turn === 2) return { calls: [{ tool: 'email.send', args: email }] };
  if (turn === 3) return { calls: [{ tool: 'crm.updateDeal', args: { dealId, nextStep: 'Call to agree on the next step' } }] };
  return done(latest, `Followed up on ${deal.name ?? dealId}: draft noted, email and CRM update went through approval.`);
};

const dormantDealSweep: Playbook = ({ turn, latest, results }) => {
  if (turn === 0) return { calls: [{ tool: 'crm.searchDeals', args: { pipeline: 'new-business', inactiveForDays: 21 } }] };
  const deals = ((resultWith(results, 'deals').deals ?? []) as Json[]).sort((a, b) => b.value - a.value);
  if (turn === 1) {
    if (deals.length === 0) return { text: 'No dormant new-business deals today.' };
    const list = deals.map((deal) => `• ${deal.name}: ${deal.owner}, ${deal.currency ?? ''} ${deal.value}`).join('\n');
    return {
      calls: [
        ...deals.map((deal) => ({ tool: 'crm.addNote', args: { dealId: deal.id, text: `${SCRIPTED_LABEL} Dormant: no activity since ${deal.lastActivity}.` } })),
        { tool: 'slack.post', args: { channel: '#sales', text: `${SCRIPTED_LABEL} Dormant new-business deals (21+ days quiet):\n${list}` } },
      ],
    };
  }
  return done(latest, `Dormant-deal sweep: ${deals.length} deals noted and listed for #sales.`);
};

const mondayBriefing: Playbook = ({ turn, latest, results }) => {
  if (turn === 0) {
    const inTwoWeeks = new Date(Date.now() + 14 * 86_400_000).toISOString().slice(0, 10);
    return { calls: [{ tool: 'calendar.listEvents', args: {} }, { tool: 'crm.searchDeals', args: { closingBy: inTwoWeeks } }] };
  }
  const events = (resultWith(results, 'events').events ?? []) as Json[];
  const deals = (resultWith(results, 'deals').deals ?? []) as Json[];
  if (turn === 1) {
    const noNextStep = deals.filter((deal) => !deal.nextStep);
    const text = [
      `${SCRIPTED_LABEL} *Your week*`,
      `*Needs you first:* ${noNextStep.map((deal) => `${deal.name} has no next step`).join('; ') || 'nothing urgent'}`,
      `*Meetings (${events.length}):*`,
      ...events.map((event) => `• ${event.day} ${event.start} ${event.title}${event.external ? ' (customer)' : ''}`),
      `*Deals closing soon (${deals.length}):*`,
      ...deals.map((deal) => `• ${deal.name}: ${deal.owner}, ${deal.value}, next: ${deal.nextStep ?? 'none'}`),
    ].join('\n');
    return { calls: [{ tool: 'slack.post', args: { channel: 'U04DANIEL2', text } }] };
  }
  return done(latest, `Monday briefing sent to Daniel: ${events.length} meetings, ${deals.length} deals closing soon.`);
};

/** By job id, as in examples/*.yaml. */
export const examplePlaybooks: Record<string, Playbook> = {
  'weekly-ad-report': weeklyAdReport,
  'revive-stale-deal': reviveStaleDeal,
  'dormant-deal-sweep': dormantDealSweep,
  'monday-briefing': mondayBriefing,
};
