// The Meta Marketing API as a source: the ad account's insights at campaign level, one row per
// day, page after page; conversions are the actions of the configured types.
import { z } from 'zod';
import { CoworkersError } from '../../protocol/index.ts';
import type { MetaSettings } from './ads.settings.ts';
import { failWith, requestJson } from './api-request.ts';
import type { AdsSource, DailyRow } from './campaign-stats.ts';
import type { Period } from './dates.ts';

const SERVICE = 'Meta Marketing API';
const FIELDS = 'campaign_name,spend,impressions,clicks,actions,account_currency';
const PAGE_SIZE = 500;
/** A runaway guard: 200 pages of 500 rows is years of a large account's campaigns. */
const MAX_PAGES = 200;

// The Graph API writes every figure as a string.
const amount = z.coerce.number().default(0);
const pageSchema = z.object({
  data: z.array(
    z.object({
      campaign_name: z.string(),
      date_start: z.iso.date(),
      account_currency: z.string().optional(),
      spend: amount,
      impressions: amount,
      clicks: amount,
      actions: z.array(z.object({ action_type: z.string(), value: amount })).default([]),
    }),
  ),
  paging: z.object({ next: z.string().optional() }).optional(),
});

// Meta answers most failures with HTTP 400 and says what it was in its own error code: an
// expired token or a missing permission, a rate limit, or something else.
const isCredentialCode = (code: number) => code === 102 || code === 190 || code === 10 || (code >= 200 && code < 300);
const THROTTLE_CODES = new Set([4, 17, 32, 613, 80000, 80003, 80004, 80014]);
const errorSchema = z.object({ error: z.object({ message: z.string().default(''), code: z.number().optional() }) });

export function metaSource(settings: MetaSettings, secret: (name: string) => string): AdsSource {
  const accountId = settings.adAccountId.replace(/^act_/, '');
  const insightsUrl = `${settings.baseUrl.replace(/\/+$/, '')}/${settings.apiVersion}/act_${accountId}/insights`;
  const conversionActions = new Set(settings.conversionActions);
  const hints = {
    credentials: `Renew the access token in the variable named by meta.accessTokenEnv (${settings.accessTokenEnv}); it needs the ads_read permission on ad account ${accountId}.`,
    request: `Check meta.adAccountId (${accountId}) and meta.apiVersion (${settings.apiVersion}) in connectors.yaml.`,
  };

  function firstPage(period: Period): URL {
    const url = new URL(insightsUrl);
    url.searchParams.set('level', 'campaign');
    url.searchParams.set('time_increment', '1');
    url.searchParams.set('time_range', JSON.stringify({ since: period.from, until: period.to }));
    url.searchParams.set('fields', FIELDS);
    url.searchParams.set('limit', String(PAGE_SIZE));
    return url;
  }

  /**
   * The page `paging.next` points at, asked of the configured base URL: the token then goes
   * nowhere else, and a proxy in `baseUrl` stays in the path. The token travels as a header.
   */
  function nextPage(next: string): URL {
    const url = new URL(insightsUrl);
    url.search = new URL(next).search;
    url.searchParams.delete('access_token');
    return url;
  }

  function toRow(entry: z.output<typeof pageSchema>['data'][number]): DailyRow {
    return {
      platform: 'meta',
      date: entry.date_start,
      campaign: entry.campaign_name,
      currency: entry.account_currency ?? null,
      spend: entry.spend,
      impressions: entry.impressions,
      clicks: entry.clicks,
      conversions: entry.actions.filter((action) => conversionActions.has(action.action_type)).reduce((sum, action) => sum + action.value, 0),
    };
  }

  return {
    label: `Meta Marketing API (ad account ${accountId})`,
    platforms: ['meta'],
    async read(period) {
      const headers = { authorization: `Bearer ${secret(settings.accessTokenEnv)}` };
      const rows: DailyRow[] = [];
      let url: URL | undefined = firstPage(period);
      for (let pages = 0; url; pages++) {
        if (pages === MAX_PAGES) {
          throw new CoworkersError('TOOL_FAILED', `${SERVICE} had more than ${MAX_PAGES} pages of insights for ${period.from} to ${period.to}.`, {
            hint: 'Ask for a shorter period.',
          });
        }
        const answer = await requestJson(SERVICE, url, { headers });
        if (!answer.ok) failMeta(answer.status, answer.body, hints);
        const parsed = pageSchema.safeParse(answer.body);
        if (!parsed.success) throw new Error(`${SERVICE} answered with something that is not an insights page: ${z.prettifyError(parsed.error).slice(0, 300)}`);
        rows.push(...parsed.data.data.map(toRow));
        const next = parsed.data.paging?.next;
        url = next ? nextPage(next) : undefined;
      }
      return rows;
    },
  };
}

function failMeta(status: number, body: unknown, hints: { credentials: string; request: string }): never {
  const parsed = errorSchema.safeParse(body);
  if (!parsed.success) failWith(SERVICE, status, typeof body === 'string' ? body : '', hints);
  const { message, code } = parsed.data.error;
  if (code === undefined) failWith(SERVICE, status, message, hints);
  failWith(SERVICE, isCredentialCode(code) ? 403 : THROTTLE_CODES.has(code) ? 429 : status, `${message} (code ${code})`, hints);
}
