// What every ads source reads (one row per platform, campaign and day) and how the tool sums the
// rows up: by campaign, by day or by both, with cost per result, and totals per currency so that
// euros and dollars are never added together.
import type { Period } from './dates.ts';

export const PLATFORMS = ['googleAds', 'meta'] as const;
export type Platform = (typeof PLATFORMS)[number];

export const GROUPINGS = ['campaign', 'day', 'campaign-day'] as const;
export type GroupBy = (typeof GROUPINGS)[number];

export interface DailyRow {
  platform: Platform;
  /** YYYY-MM-DD, in the ad account's own time zone. */
  date: string;
  campaign: string;
  /** ISO 4217 code; null when an export does not say and no `currency` setting does. */
  currency: string | null;
  spend: number;
  impressions: number;
  clicks: number;
  conversions: number;
}

/** Where figures come from: an API account or a set of CSV exports. */
export interface AdsSource {
  /** Names the source in results, e.g. "Meta Marketing API (ad account 1234)". */
  label: string;
  /** The platforms it may report on, so a call for one platform skips the others' sources. */
  platforms: readonly Platform[];
  /** The rows of the days from..to, both included. */
  read(period: Period): Promise<DailyRow[]>;
}

export interface Figures {
  spend: number;
  impressions: number;
  clicks: number;
  conversions: number;
  /** Spend per conversion; null when there was no conversion to divide by. */
  costPerConversion: number | null;
}

const round2 = (value: number) => Math.round(value * 100) / 100;

export function sumUp(rows: readonly DailyRow[]): Figures {
  const spend = rows.reduce((sum, row) => sum + row.spend, 0);
  const conversions = rows.reduce((sum, row) => sum + row.conversions, 0);
  return {
    spend: round2(spend),
    impressions: rows.reduce((sum, row) => sum + row.impressions, 0),
    clicks: rows.reduce((sum, row) => sum + row.clicks, 0),
    conversions: round2(conversions),
    costPerConversion: conversions > 0 ? round2(spend / conversions) : null,
  };
}

/** Rows by a key, in the order each key first appears. */
function groupBy(rows: readonly DailyRow[], keyOf: (row: DailyRow) => string): DailyRow[][] {
  const groups = new Map<string, DailyRow[]>();
  for (const row of rows) {
    const key = keyOf(row);
    const group = groups.get(key);
    if (group) group.push(row);
    else groups.set(key, [row]);
  }
  return [...groups.values()];
}

const campaignKey = (row: DailyRow) => JSON.stringify([row.platform, row.campaign, row.currency]);

export function byCampaign(rows: readonly DailyRow[], previous: readonly DailyRow[]) {
  const before = new Map(groupBy(previous, campaignKey).map((group) => [campaignKey(group[0]!), sumUp(group)]));
  return groupBy(rows, campaignKey)
    .map((group) => {
      const { platform, campaign, currency } = group[0]!;
      return { platform, campaign, currency, ...sumUp(group), previousPeriod: before.get(campaignKey(group[0]!)) ?? null };
    })
    .sort((a, b) => b.spend - a.spend || a.campaign.localeCompare(b.campaign));
}

export function byDay(rows: readonly DailyRow[]) {
  return groupBy(rows, (row) => JSON.stringify([row.date, row.currency]))
    .map((group) => ({ date: group[0]!.date, currency: group[0]!.currency, ...sumUp(group) }))
    .sort((a, b) => a.date.localeCompare(b.date));
}

export function byCampaignAndDay(rows: readonly DailyRow[]) {
  return groupBy(rows, (row) => JSON.stringify([row.date, row.platform, row.campaign, row.currency]))
    .map((group) => {
      const { date, platform, campaign, currency } = group[0]!;
      return { date, platform, campaign, currency, ...sumUp(group) };
    })
    .sort((a, b) => a.date.localeCompare(b.date) || a.platform.localeCompare(b.platform) || a.campaign.localeCompare(b.campaign));
}

/** One total per currency: spend in different currencies does not add up. */
export function totalsByCurrency(rows: readonly DailyRow[]) {
  return groupBy(rows, (row) => String(row.currency)).map((group) => ({ currency: group[0]!.currency, ...sumUp(group) }));
}
