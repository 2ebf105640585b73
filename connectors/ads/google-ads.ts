// The Google Ads API as a source: one searchStream request with a GAQL report of every
// campaign's cost, impressions, clicks and conversions per day.
import { z } from 'zod';
import type { GoogleAdsSettings } from './ads.settings.ts';
import { failWith, requestJson } from './api-request.ts';
import type { AdsSource, DailyRow } from './campaign-stats.ts';
import type { Period } from './dates.ts';

const SERVICE = 'Google Ads';

// The REST API writes int64 values as strings and leaves out fields whose value is zero.
const count = z.coerce.number().default(0);
const streamSchema = z.array(
  z.object({
    results: z
      .array(
        z.object({
          campaign: z.object({ name: z.string() }),
          segments: z.object({ date: z.iso.date() }),
          customer: z.object({ currencyCode: z.string().optional() }).optional(),
          metrics: z.object({ costMicros: count, impressions: count, clicks: count, conversions: count }).default({ costMicros: 0, impressions: 0, clicks: 0, conversions: 0 }),
        }),
      )
      .default([]),
  }),
);

export function reportQuery(period: Period): string {
  return [
    'SELECT campaign.name, segments.date, metrics.cost_micros, metrics.impressions, metrics.clicks, metrics.conversions, customer.currency_code',
    'FROM campaign',
    `WHERE segments.date BETWEEN '${period.from}' AND '${period.to}'`,
  ].join(' ');
}

export function googleAdsSource(settings: GoogleAdsSettings, secret: (name: string) => string): AdsSource {
  const customerId = settings.customerId.replaceAll('-', '');
  const loginCustomerId = settings.loginCustomerId?.replaceAll('-', '');
  const url = new URL(`${settings.baseUrl.replace(/\/+$/, '')}/${settings.apiVersion}/customers/${customerId}/googleAds:searchStream`);
  const hints = {
    credentials: `Renew the OAuth access token in the variable named by googleAds.accessTokenEnv (${settings.accessTokenEnv}; access tokens expire after an hour), and check that the developer token in googleAds.developerTokenEnv (${settings.developerTokenEnv}) is approved and the signed-in user may read customer ${customerId}${loginCustomerId ? ` through manager ${loginCustomerId}` : ' (set googleAds.loginCustomerId when a manager account grants the access)'}.`,
    request: `Check googleAds.customerId (${customerId}), googleAds.loginCustomerId and googleAds.apiVersion (${settings.apiVersion}) in connectors.yaml.`,
  };

  return {
    label: `Google Ads API (customer ${customerId})`,
    platforms: ['googleAds'],
    async read(period) {
      const headers: Record<string, string> = {
        authorization: `Bearer ${secret(settings.accessTokenEnv)}`,
        'developer-token': secret(settings.developerTokenEnv),
        'content-type': 'application/json',
      };
      if (loginCustomerId) headers['login-customer-id'] = loginCustomerId;
      const answer = await requestJson(SERVICE, url, { method: 'POST', headers, body: JSON.stringify({ query: reportQuery(period) }) });
      if (!answer.ok) failWith(SERVICE, answer.status, errorDetail(answer.body), hints);
      const parsed = streamSchema.safeParse(answer.body);
      if (!parsed.success) throw new Error(`${SERVICE} answered with something that is not a searchStream report: ${z.prettifyError(parsed.error).slice(0, 300)}`);
      return parsed.data.flatMap((batch) =>
        batch.results.map(
          (row): DailyRow => ({
            platform: 'googleAds',
            date: row.segments.date,
            campaign: row.campaign.name,
            currency: row.customer?.currencyCode ?? null,
            spend: row.metrics.costMicros / 1_000_000,
            impressions: row.metrics.impressions,
            clicks: row.metrics.clicks,
            conversions: row.metrics.conversions,
          }),
        ),
      );
    },
  };
}

const errorSchema = z.object({
  error: z.object({
    message: z.string().default(''),
    details: z.array(z.object({ errors: z.array(z.object({ message: z.string() })).default([]) })).default([]),
  }),
});

/** The API's own words: its general message and the GoogleAdsFailure's specific ones. */
function errorDetail(body: unknown): string {
  // searchStream wraps errors in the same array its results come in.
  const parsed = errorSchema.safeParse(Array.isArray(body) ? body[0] : body);
  if (!parsed.success) return typeof body === 'string' ? body : '';
  const { message, details } = parsed.data.error;
  return [message, ...details.flatMap((detail) => detail.errors.map((error) => error.message))].filter(Boolean).join(' ');
}
