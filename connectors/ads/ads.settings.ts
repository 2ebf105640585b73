// The `ads` section of `connectors.yaml`: any combination of CSV exports, the Google Ads API and
// the Meta Marketing API. Tokens never appear here: each `…Env` setting names the variable that
// holds one.
import { z } from 'zod';
import { isTimeZone } from './dates.ts';

const envName = (what: string, fallback: string) =>
  z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be the name of an environment variable, e.g. ADS_TOKEN')
    .default(fallback)
    .describe(`The environment variable (or secrets-file entry) that holds ${what}; never the value itself.`);

const column = (what: string) => z.string().min(1).optional().describe(`The header of the column with ${what}.`);

/** A header per figure, for exports whose headers differ from the ones the connector knows. */
const columnMapping = z
  .strictObject({
    date: column('the day (YYYY-MM-DD)'),
    campaign: column('the campaign name'),
    spend: column('the amount spent'),
    impressions: column('the impressions'),
    clicks: column('the clicks'),
    conversions: column('the conversions (results)'),
    currency: column('the currency code, when the export has one'),
  })
  .describe('Only the headers that differ from the known ones; the others are still found by their usual names.');

const currencyCode = z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as EUR or USD');

export const csvSettings = z
  .strictObject({
    dir: z.string().min(1).optional().describe('A folder of exports, relative to connectors.yaml; every .csv file in it is read at each call.'),
    files: z.array(z.string().min(1)).min(1).optional().describe('Export files, relative to connectors.yaml; read at each call, so replacing a file updates the figures.'),
    columns: z
      .strictObject({ googleAds: columnMapping.optional(), meta: columnMapping.optional() })
      .default({})
      .describe("Header overrides per platform, for exports in another language or with renamed columns. Defaults: Google Ads 'Day, Campaign, Cost, Impr., Clicks, Conversions'; Meta 'Day, Campaign name, Amount spent (EUR), Impressions, Link clicks, Results'."),
    currency: currencyCode.optional().describe("The currency of exports that do not name theirs (Google Ads exports without a 'Currency code' column)."),
  })
  .refine((csv) => csv.dir !== undefined || csv.files !== undefined, 'set `dir` (a folder of exports) or `files` (a list of export files)')
  .describe('CSV exports downloaded from Google Ads or Meta Ads Manager, one per platform, with a row per campaign and day.');

export const googleAdsSettings = z
  .strictObject({
    baseUrl: z.url().default('https://googleads.googleapis.com').describe('The Google Ads API; change it only for a proxy or a test server.'),
    apiVersion: z.string().regex(/^v\d+$/, "must look like 'v21'").default('v21').describe('Google retires each version about a year after its release; raise this when yours is sunset.'),
    customerId: z.string().regex(/^\d{3}-?\d{3}-?\d{4}$/, "must be the 10-digit customer id, e.g. '123-456-7890'").describe('The advertiser account to report on.'),
    loginCustomerId: z
      .string()
      .regex(/^\d{3}-?\d{3}-?\d{4}$/, 'must be a 10-digit customer id')
      .optional()
      .describe('The manager (MCC) account you sign in through, when the account is managed by one.'),
    developerTokenEnv: envName('the Google Ads developer token', 'GOOGLE_ADS_DEVELOPER_TOKEN'),
    accessTokenEnv: envName('an OAuth access token with the https://www.googleapis.com/auth/adwords scope', 'GOOGLE_ADS_ACCESS_TOKEN'),
  })
  .describe('The Google Ads API (searchStream reports).');

export const metaSettings = z
  .strictObject({
    baseUrl: z.url().default('https://graph.facebook.com').describe('The Graph API; change it only for a proxy or a test server.'),
    apiVersion: z.string().regex(/^v\d+\.\d+$/, "must look like 'v23.0'").default('v23.0').describe('Meta retires each version about two years after its release; raise this when yours is.'),
    adAccountId: z.string().regex(/^(act_)?\d+$/, "must be the ad account's number, with or without 'act_'").describe('The ad account to report on.'),
    accessTokenEnv: envName('a Meta access token with the ads_read permission', 'META_ACCESS_TOKEN'),
    conversionActions: z
      .array(z.string().min(1))
      .min(1)
      .default(['offsite_conversion.fb_pixel_purchase'])
      .describe("The action types that count as conversions, summed, e.g. ['lead'] for lead ads or ['offsite_conversion.fb_pixel_purchase'] for shop purchases."),
  })
  .describe('The Meta Marketing API (ad account insights).');

export const adsSettings = z
  .strictObject({
    timeZone: z.string().refine(isTimeZone, 'must be an IANA time zone such as Europe/Berlin').default('UTC').describe("The time zone that decides which days 'last week' means; use the ad accounts' own."),
    csv: csvSettings.optional(),
    googleAds: googleAdsSettings.optional(),
    meta: metaSettings.optional(),
  })
  .refine((settings) => settings.csv || settings.googleAds || settings.meta, 'configure at least one source: `csv`, `googleAds` or `meta`')
  .describe('Campaign performance from Google Ads and Meta Ads (read-only). Use CSV exports or an API per platform, not both, or its campaigns count twice.');

export type AdsSettings = z.output<typeof adsSettings>;
export type CsvSettings = z.output<typeof csvSettings>;
export type ColumnMapping = z.output<typeof columnMapping>;
export type GoogleAdsSettings = z.output<typeof googleAdsSettings>;
export type MetaSettings = z.output<typeof metaSettings>;
