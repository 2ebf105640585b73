// The `ads` connector: one read-only tool, `ads.getCampaignStats`, that sums up the daily rows of
// every configured source (CSV exports, Google Ads, Meta) by campaign, by day or by both.
import { z } from 'zod';
import { CoworkersError } from '../../protocol/index.ts';
import { defineConnector, type Connector } from '../connector-kit.ts';
import { GROUPINGS, PLATFORMS, byCampaign, byCampaignAndDay, byDay, totalsByCurrency, type AdsSource, type DailyRow, type GroupBy, type Platform } from './campaign-stats.ts';
import { addDays, dayIn, lengthInDays, periodBefore, weekBefore, type Period } from './dates.ts';

/** A year and a bit: enough for any report, and a bound on what one call reads. */
const MAX_DAYS = 400;

export interface AdsConnectorOptions {
  sources: AdsSource[];
  /** Decides which days "last week" means. */
  timeZone: string;
  now(): number;
}

export function createAdsConnector(options: AdsConnectorOptions): Connector<'ads'> {
  const { sources } = options;
  const configured = [...new Set(sources.flatMap((source) => source.platforms))];

  function periodOf(from: string | undefined, to: string | undefined): Period {
    const period = from ? { from, to: to ?? addDays(from, 6) } : to ? { from: addDays(to, -6), to } : weekBefore(dayIn(options.timeZone, options.now()));
    if (period.from > period.to) {
      throw new CoworkersError('TOOL_FAILED', `ads.getCampaignStats got from ${period.from} after to ${period.to}; nothing was read.`, { hint: 'Give a `from` on or before `to`.' });
    }
    if (lengthInDays(period) > MAX_DAYS) {
      throw new CoworkersError('TOOL_FAILED', `ads.getCampaignStats reads at most ${MAX_DAYS} days at a time; ${period.from} to ${period.to} is ${lengthInDays(period)}.`, {
        hint: 'Ask for a shorter period, or several in turn.',
      });
    }
    return period;
  }

  async function read(period: Period, platform: Platform | undefined): Promise<{ rows: DailyRow[]; labels: string[] }> {
    if (platform && !configured.includes(platform)) {
      throw new CoworkersError('TOOL_FAILED', `The ads connector has no source for ${platform}; it reports on ${configured.join(' and ')}.`, {
        hint: `Leave out \`platform\` or pick one of ${configured.join(', ')}.`,
      });
    }
    const asked = sources.filter((source) => !platform || source.platforms.includes(platform));
    const rows = (await Promise.all(asked.map((source) => source.read(period)))).flat();
    return { rows: rows.filter((row) => !platform || row.platform === platform), labels: asked.map((source) => source.label) };
  }

  function grouped(groupBy: GroupBy, rows: DailyRow[], previous: DailyRow[]) {
    if (groupBy === 'day') return { days: byDay(rows) };
    if (groupBy === 'campaign-day') return { campaignDays: byCampaignAndDay(rows) };
    return { campaigns: byCampaign(rows, previous) };
  }

  return defineConnector({
    name: 'ads',
    description: 'Paid campaign performance from Google Ads and Meta Ads (read-only).',
    tools: {
      getCampaignStats: {
        description:
          'Spend, impressions, clicks, conversions and cost per conversion of the paid campaigns for a period (default: last week, Monday to Sunday), by campaign with the period before for comparison, by day, or by campaign and day; with totals per currency.',
        risk: 'read',
        input: z.strictObject({
          from: z.iso.date().optional().describe("First day, YYYY-MM-DD. Default: last week's Monday, or six days before `to`."),
          to: z.iso.date().optional().describe('Last day, YYYY-MM-DD, included. Default: six days after `from`.'),
          platform: z.enum(PLATFORMS).optional().describe('Only this ad platform. Default: every configured one.'),
          groupBy: z
            .enum(GROUPINGS)
            .default('campaign')
            .describe("'campaign': one row per campaign, with its figures for the period before (`previousPeriod`); 'day': one row per day; 'campaign-day': one row per campaign and day."),
        }),
        async run({ from, to, platform, groupBy }) {
          const period = periodOf(from, to);
          const before = periodBefore(period);
          // Comparing campaigns needs the period before too; one read covers both.
          const { rows, labels } = await read(groupBy === 'campaign' ? { from: before.from, to: period.to } : period, platform);
          const current = rows.filter((row) => row.date >= period.from);
          const currencies = [...new Set(current.map((row) => row.currency))];
          return {
            sources: labels,
            period,
            ...(groupBy === 'campaign' ? { previousPeriod: before } : {}),
            // The one currency of every figure; null when they differ (see `totals`) or none is known.
            currency: currencies.length === 1 ? currencies[0] : null,
            totals: totalsByCurrency(current),
            ...grouped(groupBy, current, rows.filter((row) => row.date < period.from)),
          };
        },
      },
    },
  });
}
