import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isCoworkersError } from '../../protocol/index.ts';
import { googleAdsSettings } from './ads.settings.ts';
import { startFakeReportApi, type FakeReportApi } from './fake-report-api.ts';
import { googleAdsSource } from './google-ads.ts';

const TOKENS: Record<string, string> = { GOOGLE_ADS_ACCESS_TOKEN: 'ya29.secret-access', GOOGLE_ADS_DEVELOPER_TOKEN: 'dev-secret' };
const secret = (name: string) => TOKENS[name]!;
const WEEK = { from: '2026-03-09', to: '2026-03-15' };

const STREAM = [
  {
    results: [
      { campaign: { resourceName: 'customers/1234567890/campaigns/1', name: 'Brand - Search' }, segments: { date: '2026-03-09' }, customer: { currencyCode: 'EUR' }, metrics: { costMicros: '171230000', impressions: '3444', clicks: '620', conversions: 26.5 } },
      // Proto3 JSON leaves out zeros: no conversions and no clicks here.
      { campaign: { name: 'Retargeting - Display' }, segments: { date: '2026-03-09' }, customer: { currencyCode: 'EUR' }, metrics: { costMicros: '1500000', impressions: '80' } },
    ],
    fieldMask: 'campaign.name,segments.date,metrics.costMicros,metrics.impressions,metrics.clicks,metrics.conversions,customer.currencyCode',
  },
  { results: [{ campaign: { name: 'Brand - Search' }, segments: { date: '2026-03-10' }, customer: { currencyCode: 'EUR' }, metrics: { costMicros: '99990000', impressions: '2000', clicks: '300', conversions: 10 } }] },
];

let api: FakeReportApi;
beforeEach(async () => {
  api = await startFakeReportApi(() => ({ body: STREAM }));
});
afterEach(() => api.close());

function source(extra: Record<string, unknown> = {}) {
  return googleAdsSource(googleAdsSettings.parse({ baseUrl: api.url, apiVersion: 'v21', customerId: '123-456-7890', ...extra }), secret);
}

const leaks = (error: Error) => ['ya29.secret-access', 'dev-secret'].some((token) => `${error.message} ${(error as { hint?: string }).hint}`.includes(token));

async function failure(promise: Promise<unknown>): Promise<Error> {
  const error = await promise.then(() => undefined, (reason: unknown) => reason);
  expect(error).toBeInstanceOf(Error);
  return error as Error;
}

describe('the Google Ads source', () => {
  it('asks searchStream for the report with the bearer token, the developer token and the manager account', async () => {
    await source({ loginCustomerId: '111-222-3333' }).read(WEEK);
    expect(api.requests).toHaveLength(1);
    const [request] = api.requests;
    expect(request).toMatchObject({ method: 'POST', path: '/v21/customers/1234567890/googleAds:searchStream' });
    expect(request!.headers).toMatchObject({ authorization: 'Bearer ya29.secret-access', 'developer-token': 'dev-secret', 'login-customer-id': '1112223333', 'content-type': 'application/json' });
    const { query } = JSON.parse(request!.body) as { query: string };
    expect(query).toMatch(/^SELECT campaign\.name, segments\.date, metrics\.cost_micros, metrics\.impressions, metrics\.clicks, metrics\.conversions, customer\.currency_code FROM campaign /);
    expect(query).toContain("WHERE segments.date BETWEEN '2026-03-09' AND '2026-03-15'");
  });

  it('sends no login-customer-id without a manager account', async () => {
    await source().read(WEEK);
    expect(api.requests[0]!.headers).not.toHaveProperty('login-customer-id');
  });

  it('turns every batch of the stream into daily rows, micros into money and missing figures into zeros', async () => {
    await expect(source().read(WEEK)).resolves.toEqual([
      { platform: 'googleAds', date: '2026-03-09', campaign: 'Brand - Search', currency: 'EUR', spend: 171.23, impressions: 3444, clicks: 620, conversions: 26.5 },
      { platform: 'googleAds', date: '2026-03-09', campaign: 'Retargeting - Display', currency: 'EUR', spend: 1.5, impressions: 80, clicks: 0, conversions: 0 },
      { platform: 'googleAds', date: '2026-03-10', campaign: 'Brand - Search', currency: 'EUR', spend: 99.99, impressions: 2000, clicks: 300, conversions: 10 },
    ]);
  });

  it('answers a refused token with TOOL_FAILED, not retryable, naming the token setting and never the token', async () => {
    api.answerWith(() => ({ status: 401, body: { error: { code: 401, message: 'Request had invalid authentication credentials.', status: 'UNAUTHENTICATED' } } }));
    const error = await failure(source().read(WEEK));
    expect(error).toMatchObject({ code: 'TOOL_FAILED', retryable: false, message: expect.stringContaining('invalid authentication credentials') });
    expect(error).toMatchObject({ hint: expect.stringContaining('googleAds.accessTokenEnv (GOOGLE_ADS_ACCESS_TOKEN') });
    expect(leaks(error)).toBe(false);
  });

  it("reports a 403's GoogleAdsFailure, wrapped in the stream's array, with the token settings in the hint", async () => {
    api.answerWith(() => ({
      status: 403,
      body: [{ error: { code: 403, message: 'The caller does not have permission', status: 'PERMISSION_DENIED', details: [{ '@type': 'type.googleapis.com/google.ads.googleads.v21.errors.GoogleAdsFailure', errors: [{ errorCode: { authorizationError: 'DEVELOPER_TOKEN_NOT_APPROVED' }, message: 'The developer token is not approved.' }] }] } }],
    }));
    const error = await failure(source().read(WEEK));
    expect(error).toMatchObject({ code: 'TOOL_FAILED', retryable: false, message: expect.stringContaining('The caller does not have permission The developer token is not approved.') });
    expect(error).toMatchObject({ hint: expect.stringContaining('googleAds.developerTokenEnv') });
  });

  it('answers a bad request with TOOL_FAILED naming the settings it depends on', async () => {
    api.answerWith(() => ({ status: 400, body: { error: { code: 400, message: 'Invalid customer ID.' } } }));
    const error = await failure(source().read(WEEK));
    expect(error).toMatchObject({ code: 'TOOL_FAILED', retryable: false, message: expect.stringContaining('Invalid customer ID.'), hint: expect.stringContaining('googleAds.customerId') });
  });

  it.each([429, 500, 503])('throws a plain, retried error on HTTP %i', async (status) => {
    api.answerWith(() => ({ status, body: { error: { code: status, message: 'Try again later.' } } }));
    const error = await failure(source().read(WEEK));
    expect(isCoworkersError(error)).toBe(false);
    expect(error.message).toContain(`HTTP ${status}`);
  });

  it('throws a plain, retried error when nobody answers', async () => {
    const gone = await startFakeReportApi(() => ({ body: [] }));
    await gone.close();
    const error = await failure(source({ baseUrl: gone.url }).read(WEEK));
    expect(isCoworkersError(error)).toBe(false);
    expect(error.message).toMatch(/^Google Ads did not answer at http:\/\/127\.0\.0\.1:\d+/);
  });

  it('throws a plain error when the answer is not a report', async () => {
    api.answerWith(() => ({ body: { results: 'nope' } }));
    const error = await failure(source().read(WEEK));
    expect(isCoworkersError(error)).toBe(false);
    expect(error.message).toContain('not a searchStream report');
  });
});
