import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createSqliteStore } from '../../persistence/index.ts';
import type { Connector } from '../connector-kit.ts';
import { testConnectorDeps, toolCall } from '../connector-test-kit.ts';
import { startFakeReportApi, type FakeReportApi, type RecordedRequest } from './fake-report-api.ts';
import { adsFactory, exampleAdExports } from './index.ts';

const TOKENS: Record<string, string> = { GOOGLE_ADS_ACCESS_TOKEN: 'ya29.google-secret', GOOGLE_ADS_DEVELOPER_TOKEN: 'dev-secret', META_ACCESS_TOKEN: 'EAAB-meta-secret' };
/** Wednesday 18 March 2026: last week is Monday 9 to Sunday 15 March. */
const WEDNESDAY = Date.parse('2026-03-18T10:00:00Z');

const store = createSqliteStore({ path: ':memory:' });
afterAll(() => store.close());

function deps(now: number, baseDir = tmpdir()) {
  return testConnectorDeps({ secrets: TOKENS, now: () => now, baseDir, dataDir: baseDir, documents: store.documents });
}

function days(from: string, to: string): string[] {
  const all: string[] = [];
  for (let day = from; day <= to; day = new Date(Date.parse(day) + 86_400_000).toISOString().slice(0, 10)) all.push(day);
  return all;
}

// Brand - Search spends 100 a day with 5 conversions this week, 80 with 4 the week before;
// Retargeting - Display runs only this week and converts nobody; Meta's Lookalike spends 50 for 2.
function googleAnswer(request: RecordedRequest) {
  const [, from, to] = /BETWEEN '([\d-]+)' AND '([\d-]+)'/.exec((JSON.parse(request.body) as { query: string }).query)!;
  const results = days(from!, to!).flatMap((date) => {
    const thisWeek = date >= '2026-03-09';
    const row = (name: string, micros: number, conversions: number) => ({ campaign: { name }, segments: { date }, customer: { currencyCode: 'EUR' }, metrics: { costMicros: String(micros), impressions: '1000', clicks: '50', conversions } });
    return thisWeek ? [row('Brand - Search', 100_000_000, 5), row('Retargeting - Display', 20_000_000, 0)] : [row('Brand - Search', 80_000_000, 4)];
  });
  return { body: [{ results }] };
}

function metaAnswer(currency: string) {
  return (request: RecordedRequest) => {
    const { since, until } = JSON.parse(request.query.get('time_range')!) as { since: string; until: string };
    const data = days(since, until).map((date) => ({ campaign_name: 'Lookalike - Feed', spend: '50.00', impressions: '4000', clicks: '40', account_currency: currency, actions: [{ action_type: 'offsite_conversion.fb_pixel_purchase', value: '2' }], date_start: date, date_stop: date }));
    return { body: { data, paging: { cursors: { before: 'a', after: 'b' } } } };
  };
}

let google: FakeReportApi;
let meta: FakeReportApi;
beforeAll(async () => {
  google = await startFakeReportApi(googleAnswer);
  meta = await startFakeReportApi(metaAnswer('EUR'));
});
afterEach(() => {
  google.requests.length = 0;
  meta.requests.length = 0;
  google.answerWith(googleAnswer);
  meta.answerWith(metaAnswer('EUR'));
});
afterAll(() => Promise.all([google.close(), meta.close()]));

async function adsConnector(extra: Record<string, unknown> = {}, now = WEDNESDAY): Promise<Connector> {
  const settings = adsFactory.settings.parse({
    googleAds: { baseUrl: google.url, customerId: '123-456-7890' },
    meta: { baseUrl: meta.url, adAccountId: '998877' },
    ...extra,
  });
  return (await adsFactory.create(settings, deps(now))) as Connector;
}

async function stats(connector: Connector, args: Record<string, unknown> = {}): Promise<any> {
  return (await connector.call(toolCall('ads.getCampaignStats', args))).result;
}

const asked = () => ({
  google: google.requests.map((request) => /BETWEEN '([\d-]+)' AND '([\d-]+)'/.exec(request.body)!.slice(1).join('..')),
  meta: meta.requests.map((request) => Object.values(JSON.parse(request.query.get('time_range')!) as object).join('..')),
});

describe('ads.getCampaignStats', () => {
  it('is one read-only tool', async () => {
    const connector = await adsConnector();
    expect(connector.specs.map((spec) => [spec.name, spec.risk])).toEqual([['ads.getCampaignStats', 'read']]);
  });

  it("reports last week by campaign, as the weekly ad report reads it, with the week before and the totals", async () => {
    const result = await stats(await adsConnector());
    expect(asked()).toEqual({ google: ['2026-03-02..2026-03-15'], meta: ['2026-03-02..2026-03-15'] });
    expect(result).toEqual({
      sources: ['Google Ads API (customer 1234567890)', 'Meta Marketing API (ad account 998877)'],
      period: { from: '2026-03-09', to: '2026-03-15' },
      previousPeriod: { from: '2026-03-02', to: '2026-03-08' },
      currency: 'EUR',
      totals: [{ currency: 'EUR', spend: 1190, impressions: 42_000, clicks: 980, conversions: 49, costPerConversion: 24.29 }],
      campaigns: [
        {
          platform: 'googleAds',
          campaign: 'Brand - Search',
          currency: 'EUR',
          spend: 700,
          impressions: 7000,
          clicks: 350,
          conversions: 35,
          costPerConversion: 20,
          previousPeriod: { spend: 560, impressions: 7000, clicks: 350, conversions: 28, costPerConversion: 20 },
        },
        {
          platform: 'meta',
          campaign: 'Lookalike - Feed',
          currency: 'EUR',
          spend: 350,
          impressions: 28_000,
          clicks: 280,
          conversions: 14,
          costPerConversion: 25,
          previousPeriod: { spend: 350, impressions: 28_000, clicks: 280, conversions: 14, costPerConversion: 25 },
        },
        { platform: 'googleAds', campaign: 'Retargeting - Display', currency: 'EUR', spend: 140, impressions: 7000, clicks: 350, conversions: 0, costPerConversion: null, previousPeriod: null },
      ],
    });
  });

  it('reports by day, reading only the days asked', async () => {
    const result = await stats(await adsConnector(), { from: '2026-03-09', to: '2026-03-11', groupBy: 'day' });
    expect(asked()).toEqual({ google: ['2026-03-09..2026-03-11'], meta: ['2026-03-09..2026-03-11'] });
    expect(result).not.toHaveProperty('previousPeriod');
    expect(result.days).toEqual(
      ['2026-03-09', '2026-03-10', '2026-03-11'].map((date) => ({ date, currency: 'EUR', spend: 170, impressions: 6000, clicks: 140, conversions: 7, costPerConversion: 24.29 })),
    );
    expect(result.totals).toEqual([{ currency: 'EUR', spend: 510, impressions: 18_000, clicks: 420, conversions: 21, costPerConversion: 24.29 }]);
  });

  it('reports by campaign and day, a week from `from`', async () => {
    const result = await stats(await adsConnector(), { from: '2026-03-10', groupBy: 'campaign-day' });
    expect(result.period).toEqual({ from: '2026-03-10', to: '2026-03-16' });
    expect(result.campaignDays).toHaveLength(7 * 3);
    expect(result.campaignDays.slice(0, 3)).toEqual([
      { date: '2026-03-10', platform: 'googleAds', campaign: 'Brand - Search', currency: 'EUR', spend: 100, impressions: 1000, clicks: 50, conversions: 5, costPerConversion: 20 },
      { date: '2026-03-10', platform: 'googleAds', campaign: 'Retargeting - Display', currency: 'EUR', spend: 20, impressions: 1000, clicks: 50, conversions: 0, costPerConversion: null },
      { date: '2026-03-10', platform: 'meta', campaign: 'Lookalike - Feed', currency: 'EUR', spend: 50, impressions: 4000, clicks: 40, conversions: 2, costPerConversion: 25 },
    ]);
  });

  it('reads only the platform asked for', async () => {
    const result = await stats(await adsConnector(), { to: '2026-03-15', platform: 'meta' });
    expect(asked()).toEqual({ google: [], meta: ['2026-03-02..2026-03-15'] });
    expect(result.sources).toEqual(['Meta Marketing API (ad account 998877)']);
    expect(result.campaigns.map((campaign: { campaign: string }) => campaign.campaign)).toEqual(['Lookalike - Feed']);
  });

  it("decides which week was last in the configured time zone", async () => {
    // Sunday 23:30 in UTC is already Monday morning in Auckland.
    const sundayNight = Date.parse('2026-03-15T23:30:00Z');
    expect((await stats(await adsConnector({}, sundayNight))).period).toEqual({ from: '2026-03-02', to: '2026-03-08' });
    expect((await stats(await adsConnector({ timeZone: 'Pacific/Auckland' }, sundayNight))).period).toEqual({ from: '2026-03-09', to: '2026-03-15' });
  });

  it('keeps currencies apart when the accounts report in different ones', async () => {
    meta.answerWith(metaAnswer('USD'));
    const result = await stats(await adsConnector());
    expect(result.currency).toBeNull();
    expect(result.totals).toEqual([
      { currency: 'EUR', spend: 840, impressions: 14_000, clicks: 700, conversions: 35, costPerConversion: 24 },
      { currency: 'USD', spend: 350, impressions: 28_000, clicks: 280, conversions: 14, costPerConversion: 25 },
    ]);
  });

  it.each([
    [{ from: '2026-03-15', to: '2026-03-09' }, 'from 2026-03-15 after to 2026-03-09'],
    [{ from: '2025-01-01', to: '2026-03-09' }, 'at most 400 days'],
    [{ from: '2026-03-09', platform: 'linkedin' }, 'platform'],
  ])('refuses %j without asking anyone', async (args, message) => {
    await expect(stats(await adsConnector(), args)).rejects.toMatchObject({ code: 'TOOL_FAILED', retryable: false, message: expect.stringContaining(message) });
    expect(asked()).toEqual({ google: [], meta: [] });
  });

  it('refuses a platform without a source, naming the ones it has', async () => {
    const connector = await adsConnector({ googleAds: undefined });
    await expect(stats(connector, { platform: 'googleAds' })).rejects.toMatchObject({ code: 'TOOL_FAILED', message: 'The ads connector has no source for googleAds; it reports on meta.' });
  });

  it('fails for good on a refused token and is retried when the service is busy', async () => {
    const connector = await adsConnector();
    google.answerWith(() => ({ status: 401, body: { error: { code: 401, message: 'Request had invalid authentication credentials.' } } }));
    await expect(stats(connector)).rejects.toMatchObject({ code: 'TOOL_FAILED', retryable: false, hint: expect.stringContaining('googleAds.accessTokenEnv') });
    google.answerWith(googleAnswer);
    meta.answerWith(() => ({ status: 503, body: { error: { message: 'Service temporarily unavailable', code: 2 } } }));
    await expect(stats(connector)).rejects.toMatchObject({ code: 'TOOL_FAILED', retryable: true, message: expect.stringContaining('HTTP 503') });
  });

  it('never puts a token in a result', async () => {
    const result = JSON.stringify(await stats(await adsConnector(), { groupBy: 'campaign-day' }));
    for (const token of Object.values(TOKENS)) expect(result).not.toContain(token);
  });
});

describe('ads.getCampaignStats on the example exports', () => {
  const base = mkdtempSync(join(tmpdir(), 'ads-examples-'));
  afterAll(() => rmSync(base, { recursive: true, force: true }));
  const exports = exampleAdExports('2026-03-16');
  mkdirSync(join(base, 'ad-exports'));
  writeFileSync(join(base, 'ad-exports', 'google-ads.csv'), exports.googleAds);
  writeFileSync(join(base, 'ad-exports', 'meta.csv'), exports.meta);

  async function fromExports(): Promise<Connector> {
    const monday = Date.parse('2026-03-16T07:00:00Z');
    return (await adsFactory.create(adsFactory.settings.parse({ csv: { dir: 'ad-exports' } }), deps(monday, base))) as Connector;
  }

  it('reports the six campaigns of last week, each against the week before', async () => {
    const result = await stats(await fromExports());
    expect(result.period).toEqual({ from: '2026-03-09', to: '2026-03-15' });
    expect(result.sources).toEqual(['CSV exports (ad-exports/)']);
    expect(result.currency).toBe('EUR');
    expect(result.campaigns.map((campaign: any) => `${campaign.platform} ${campaign.campaign}`).sort()).toEqual([
      'googleAds Brand - Search',
      'googleAds Retargeting - Display',
      'googleAds Spring Sale - Search',
      'meta Lookalike - Feed',
      'meta Retargeting - Carousel',
      'meta Stories - Video',
    ]);
    // The exports make one change worth a line in the report: Stories - Video spent half as much again.
    const stories = result.campaigns.find((campaign: any) => campaign.campaign === 'Stories - Video');
    expect(stories.spend / stories.previousPeriod.spend).toBeGreaterThan(1.3);
    for (const campaign of result.campaigns) {
      expect(campaign.previousPeriod).not.toBeNull();
      expect(campaign.costPerConversion).toBeCloseTo(campaign.spend / campaign.conversions, 2);
    }
  });

  it("adds up to the Google Ads export's own total over both weeks", async () => {
    const result = await stats(await fromExports(), { platform: 'googleAds' });
    const total = exports.googleAds.split('\n').at(-1)!;
    const [, spend, impressions, clicks, conversions] = /^Total: Account,,EUR,"([\d,.]+)","([\d,]+)","([\d,]+)",([\d.]+)$/.exec(total)!.map((cell) => Number(cell.replaceAll(',', '')));
    const both = (figure: 'spend' | 'impressions' | 'clicks' | 'conversions') =>
      result.campaigns.reduce((sum: number, campaign: any) => sum + campaign[figure] + campaign.previousPeriod[figure], 0);
    expect(both('spend')).toBeCloseTo(spend!, 2);
    expect(both('impressions')).toBe(impressions);
    expect(both('clicks')).toBe(clicks);
    expect(both('conversions')).toBe(conversions);
    expect(result.totals[0].spend).toBeCloseTo(result.campaigns.reduce((sum: number, campaign: any) => sum + campaign.spend, 0), 2);
  });
});

describe('the ads factory', () => {
  it('needs at least one source', () => {
    expect(adsFactory.settings.safeParse({}).success).toBe(false);
    expect(adsFactory.settings.safeParse({ meta: { adAccountId: '998877' } }).success).toBe(true);
  });

  it('refuses to start without the tokens its sources name', async () => {
    const settings = adsFactory.settings.parse({ meta: { adAccountId: '998877', accessTokenEnv: 'META_TOKEN_NOBODY_SET' } });
    await expect(adsFactory.create(settings, deps(WEDNESDAY))).rejects.toMatchObject({ code: 'CONFIG_INVALID', message: expect.stringContaining('META_TOKEN_NOBODY_SET') });
  });
});
