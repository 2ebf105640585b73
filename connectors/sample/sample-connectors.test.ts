import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { ToolCall } from '../../protocol/index.ts';
import { createSampleConnectors, findSample, type SampleConnector } from './sample-connectors.ts';
import { SAMPLE_SOURCE, addDays, mondayOf, today } from './sample-data.ts';

const examples = new URL('../../examples/', import.meta.url);

function toolsOfTheExamples(): string[] {
  const files = readdirSync(examples).filter((file) => file.endsWith('.yaml'));
  return [...new Set(files.flatMap((file) => (parse(readFileSync(new URL(file, examples), 'utf8')) as { tools: string[] }).tools))].sort();
}

function call(tool: string, args: Record<string, unknown>, idempotencyKey: string = crypto.randomUUID()): ToolCall {
  return { v: 1, tool, args, coworkerId: 'sam', runId: 'run-1', idempotencyKey };
}

async function run(connectors: SampleConnector[], tool: string, args: Record<string, unknown>, key?: string): Promise<any> {
  const connector = connectors.find((candidate) => tool.startsWith(`${candidate.name}.`));
  if (!connector) throw new Error(`no sample connector for ${tool}`);
  return (await connector.call(call(tool, args, key))).result;
}

const EXAMPLE_CALLS: [string, Record<string, unknown>][] = [
  ['ads.getCampaignStats', {}],
  ['calendar.listEvents', {}],
  ['crm.searchDeals', { inactiveForDays: 21 }],
  ['crm.getDeal', { dealId: 'D-1058' }],
  ['crm.addNote', { dealId: 'D-1058', text: 'Dormant for 26 days.' }],
  ['crm.updateDeal', { dealId: 'D-1058', nextStep: 'Call Sam Patel' }],
  ['email.draft', { to: ['it@initech.example'], subject: 'Security review', body: 'Hi Sam, ...' }],
  ['email.send', { to: ['agency@example.com'], subject: 'Weekly ads', body: 'Totals: ...' }],
  ['sheets.appendRow', { sheet: 'Weekly ads', values: ['Brand - Search', 1180, 142] }],
  ['slack.post', { channel: '#ad-performance', text: 'Weekly summary' }],
];

describe('the sample connectors', () => {
  it('offer every tool the example coworkers use, with the risk each declares', () => {
    const specs = createSampleConnectors().flatMap((connector) => connector.specs);
    expect(specs.map((spec) => spec.name).sort()).toEqual(toolsOfTheExamples());
    expect(Object.fromEntries(specs.map((spec) => [spec.name, spec.risk]))).toEqual({
      'ads.getCampaignStats': 'read',
      'calendar.listEvents': 'read',
      'crm.searchDeals': 'read',
      'crm.getDeal': 'read',
      'crm.addNote': 'write',
      'crm.updateDeal': 'write',
      'email.send': 'customer-facing',
      'email.draft': 'write',
      'sheets.appendRow': 'write',
      'slack.post': 'public-post',
    });
  });

  it.each(EXAMPLE_CALLS)('label what %s answers as sample data', async (tool, args) => {
    await expect(run(createSampleConnectors(), tool, args)).resolves.toMatchObject({ source: SAMPLE_SOURCE });
  });

  it('start with fresh state in every set', async () => {
    const first = createSampleConnectors();
    await run(first, 'slack.post', { channel: '#sales', text: 'hello' });
    expect(findSample(first, 'slack').posts).toEqual([{ channel: '#sales', text: 'hello', ts: expect.stringMatching(/^\d+\.000001$/) }]);
    expect(findSample(createSampleConnectors(), 'slack').posts).toEqual([]);
  });

  it('count each email send once per idempotency key, however often it is repeated', async () => {
    const connectors = createSampleConnectors();
    const args = { to: ['agency@example.com'], subject: 'Weekly ads', body: 'Totals' };
    for (const key of ['approval:a1', 'approval:a1', 'approval:a2']) await run(connectors, 'email.send', args, key);
    const email = findSample(connectors, 'email');
    expect(Object.fromEntries(email.sendsByKey)).toEqual({ 'approval:a1': 1, 'approval:a2': 1 });
    expect(email.sent.map((mail) => mail.idempotencyKey)).toEqual(['approval:a1', 'approval:a2']);
  });

  it('number appended rows per sheet', async () => {
    const connectors = createSampleConnectors();
    const rows = [];
    for (const sheet of ['Weekly ads', 'Weekly ads', 'Other']) rows.push((await run(connectors, 'sheets.appendRow', { sheet, values: ['x'] })).row);
    expect(rows).toEqual([1, 2, 1]);
    expect(findSample(connectors, 'sheets').rows).toHaveLength(3);
  });

  it("report last week's campaigns by default", async () => {
    const stats = await run(createSampleConnectors(), 'ads.getCampaignStats', {});
    const lastMonday = addDays(mondayOf(today()), -7);
    expect(stats.period).toEqual({ from: lastMonday, to: addDays(lastMonday, 6) });
    expect(stats.campaigns[0]).toMatchObject({ campaign: expect.any(String), spend: expect.any(Number), costPerConversion: expect.any(Number) });
  });

  it("list this week's meetings, marking those with people outside the company, and refuse a range over a month", async () => {
    const connectors = createSampleConnectors();
    const { events } = await run(connectors, 'calendar.listEvents', {});
    expect(events).toHaveLength(7);
    expect(events.filter((event: { external: boolean }) => event.external)).toHaveLength(3);
    await expect(run(connectors, 'calendar.listEvents', { from: '2026-01-01', to: '2026-03-01' })).rejects.toMatchObject({ code: 'TOOL_FAILED', retryable: false });
  });

  describe('crm', () => {
    it('finds dormant deals and deals closing soon', async () => {
      const connectors = createSampleConnectors();
      const ids = async (args: Record<string, unknown>) => (await run(connectors, 'crm.searchDeals', args)).deals.map((deal: { id: string }) => deal.id);
      await expect(ids({ inactiveForDays: 21, pipeline: 'new-business' })).resolves.toEqual(['D-1058', 'D-1063']);
      await expect(ids({ closingBy: addDays(today(), 14) })).resolves.toEqual(['D-1042', 'D-1051', 'D-1070']);
      await expect(ids({ query: 'globex' })).resolves.toEqual(['D-1051']);
    });

    it('records notes and updates on the deal', async () => {
      const connectors = createSampleConnectors();
      await run(connectors, 'crm.addNote', { dealId: 'D-1063', text: 'Went quiet after the pilot question.' });
      await run(connectors, 'crm.updateDeal', { dealId: 'D-1063', nextStep: 'Offer a one-clinic pilot', followUpDate: '2026-12-01' });
      const { deal } = await run(connectors, 'crm.getDeal', { dealId: 'D-1063' });
      expect(deal).toMatchObject({ nextStep: 'Offer a one-clinic pilot', followUpDate: '2026-12-01', notes: [{ by: 'sam', text: 'Went quiet after the pilot question.' }] });
      expect(findSample(connectors, 'crm').deals.find((candidate) => candidate.id === 'D-1063')?.notes).toHaveLength(1);
    });

    it('refuses an unknown deal and an update that changes nothing', async () => {
      const connectors = createSampleConnectors();
      await expect(run(connectors, 'crm.getDeal', { dealId: 'D-9' })).rejects.toMatchObject({ code: 'TOOL_FAILED', retryable: false, hint: 'Find deal ids with crm.searchDeals.' });
      await expect(run(connectors, 'crm.updateDeal', { dealId: 'D-1042' })).rejects.toMatchObject({ code: 'TOOL_FAILED', message: expect.stringContaining('Give at least one field to change') });
    });
  });
});
