import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isCoworkersError } from '../../protocol/index.ts';
import { metaSettings } from './ads.settings.ts';
import { startFakeReportApi, type FakeReportApi, type FakeAnswer, type RecordedRequest } from './fake-report-api.ts';
import { metaSource } from './meta-ads.ts';

const TOKEN = 'EAAB-secret-token';
const secret = (name: string) => (name === 'META_ACCESS_TOKEN' ? TOKEN : '');
const WEEK = { from: '2026-03-09', to: '2026-03-15' };

const entry = (date: string, campaign: string, spend: string, actions?: { action_type: string; value: string }[]) => ({
  campaign_name: campaign,
  spend,
  impressions: '10000',
  clicks: '250',
  account_currency: 'EUR',
  date_start: date,
  date_stop: date,
  ...(actions ? { actions } : {}),
});

const PAGE_1 = [
  entry('2026-03-09', 'Lookalike - Feed', '388.12', [
    { action_type: 'link_click', value: '240' },
    { action_type: 'offsite_conversion.fb_pixel_purchase', value: '9' },
    { action_type: 'lead', value: '2' },
  ]),
  entry('2026-03-09', 'Stories - Video', '140.02'),
];
const PAGE_2 = [entry('2026-03-10', 'Lookalike - Feed', '401.50', [{ action_type: 'offsite_conversion.fb_pixel_purchase', value: '11' }])];

/** Two pages; the first one's `next` points wherever `nextBase` says, as Meta's absolute URLs do. */
function pagedInsights(nextBase: () => string) {
  return (request: RecordedRequest): FakeAnswer => {
    if (request.query.get('after') === 'c2') return { body: { data: PAGE_2, paging: { cursors: { before: 'c1', after: 'c2' } } } };
    const next = new URL(`${nextBase()}${request.path}`);
    for (const [name, value] of request.query) next.searchParams.set(name, value);
    next.searchParams.set('after', 'c2');
    // Meta's next links carry the token when it came as a parameter; the source must not pass it on.
    next.searchParams.set('access_token', TOKEN);
    return { body: { data: PAGE_1, paging: { cursors: { before: 'c0', after: 'c2' }, next: next.href } } };
  };
}

let api: FakeReportApi;
beforeEach(async () => {
  api = await startFakeReportApi(pagedInsights(() => api.url));
});
afterEach(() => api.close());

function source(extra: Record<string, unknown> = {}) {
  return metaSource(metaSettings.parse({ baseUrl: api.url, apiVersion: 'v23.0', adAccountId: 'act_998877', ...extra }), secret);
}

async function failure(promise: Promise<unknown>): Promise<Error & { hint?: string }> {
  const error = await promise.then(() => undefined, (reason: unknown) => reason);
  expect(error).toBeInstanceOf(Error);
  return error as Error;
}

describe('the Meta source', () => {
  it("asks for the ad account's campaign insights per day for the period, with the token as a bearer header", async () => {
    await source().read(WEEK);
    const [first] = api.requests;
    expect(first).toMatchObject({ method: 'GET', path: '/v23.0/act_998877/insights' });
    expect(first!.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(first!.query.get('level')).toBe('campaign');
    expect(first!.query.get('time_increment')).toBe('1');
    expect(JSON.parse(first!.query.get('time_range')!)).toEqual({ since: '2026-03-09', until: '2026-03-15' });
    expect(first!.query.get('fields')!.split(',')).toEqual(expect.arrayContaining(['campaign_name', 'spend', 'impressions', 'clicks', 'actions']));
    expect(first!.query.has('access_token')).toBe(false);
  });

  it('follows paging.next until there is none, without putting the token in the URL', async () => {
    const rows = await source().read(WEEK);
    expect(api.requests).toHaveLength(2);
    const second = api.requests[1]!;
    expect(second.path).toBe('/v23.0/act_998877/insights');
    expect(second.query.get('after')).toBe('c2');
    expect(second.query.get('level')).toBe('campaign');
    expect(second.query.has('access_token')).toBe(false);
    expect(second.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(rows.map((row) => [row.date, row.campaign])).toEqual([
      ['2026-03-09', 'Lookalike - Feed'],
      ['2026-03-09', 'Stories - Video'],
      ['2026-03-10', 'Lookalike - Feed'],
    ]);
  });

  it('asks the configured base URL for the next page even when Meta names its own host', async () => {
    api.answerWith(pagedInsights(() => 'https://graph.facebook.com'));
    await source().read(WEEK);
    expect(api.requests.map((request) => request.query.get('after'))).toEqual([null, 'c2']);
  });

  it('counts the actions of the configured types as conversions, and none when there are no actions', async () => {
    await expect(source().read(WEEK)).resolves.toEqual([
      { platform: 'meta', date: '2026-03-09', campaign: 'Lookalike - Feed', currency: 'EUR', spend: 388.12, impressions: 10000, clicks: 250, conversions: 9 },
      { platform: 'meta', date: '2026-03-09', campaign: 'Stories - Video', currency: 'EUR', spend: 140.02, impressions: 10000, clicks: 250, conversions: 0 },
      { platform: 'meta', date: '2026-03-10', campaign: 'Lookalike - Feed', currency: 'EUR', spend: 401.5, impressions: 10000, clicks: 250, conversions: 11 },
    ]);
    const leadsAndPurchases = await source({ conversionActions: ['lead', 'offsite_conversion.fb_pixel_purchase'] }).read(WEEK);
    expect(leadsAndPurchases.map((row) => row.conversions)).toEqual([11, 0, 11]);
  });

  it.each([
    [400, 190, 'Error validating access token: Session has expired'],
    [403, 200, 'Requires ads_read permission'],
    [401, undefined, 'Unauthorized'],
  ])('answers HTTP %i (code %s) with TOOL_FAILED, not retryable, naming the token setting', async (status, code, message) => {
    api.answerWith(() => ({ status, body: { error: { message, type: 'OAuthException', ...(code ? { code } : {}), fbtrace_id: 'A1' } } }));
    const error = await failure(source().read(WEEK));
    expect(error).toMatchObject({ code: 'TOOL_FAILED', retryable: false, message: expect.stringContaining(message) });
    expect(error.hint).toContain('meta.accessTokenEnv (META_ACCESS_TOKEN)');
    expect(`${error.message} ${error.hint}`).not.toContain(TOKEN);
  });

  it('answers another refused request with TOOL_FAILED naming the account settings', async () => {
    api.answerWith(() => ({ status: 400, body: { error: { message: '(#100) Tried accessing nonexisting field (nonsense)', type: 'OAuthException', code: 100 } } }));
    const error = await failure(source().read(WEEK));
    expect(error).toMatchObject({ code: 'TOOL_FAILED', retryable: false, message: expect.stringContaining('(code 100)'), hint: expect.stringContaining('meta.adAccountId (998877)') });
  });

  it.each([
    [400, 17, 'User request limit reached'],
    [400, 80000, 'There have been too many calls to this ad-account'],
    [429, undefined, 'Too many requests'],
    [500, 2, 'An unexpected error has occurred. Please retry your request later.'],
  ])('throws a plain, retried error on HTTP %i (code %s)', async (status, code, message) => {
    api.answerWith(() => ({ status, body: { error: { message, ...(code ? { code } : {}) } } }));
    const error = await failure(source().read(WEEK));
    expect(isCoworkersError(error)).toBe(false);
    expect(error.message).toContain(message);
  });
});
