// Made-up but believable exports for the examples: a Google Ads and a Meta Ads Manager CSV with a
// row per campaign and day for the 14 days before a date, the same for the same date. The week
// before last differs on purpose, so a weekly report has a week-over-week change to mention.
import { addDays } from './dates.ts';

export interface ExampleAdExports {
  /** The 14 days covered, ending the day before the date asked for. */
  period: { from: string; to: string };
  /** A "Campaign performance report" as Google Ads downloads it (title, date range, header, rows, total). */
  googleAds: string;
  /** An Ads Manager report broken down by day, as Meta downloads it. */
  meta: string;
}

interface Campaign {
  name: string;
  /** Spend on an ordinary weekday, in EUR. */
  dailySpend: number;
  costPerClick: number;
  clickThroughRate: number;
  conversionRate: number;
  /** Last week's spend and conversion rate against the week before's. */
  lastWeek: { spend: number; conversionRate: number };
}

const GOOGLE_CAMPAIGNS: Campaign[] = [
  { name: 'Spring Sale - Search', dailySpend: 610, costPerClick: 0.69, clickThroughRate: 0.071, conversionRate: 0.027, lastWeek: { spend: 1.05, conversionRate: 1 } },
  { name: 'Brand - Search', dailySpend: 170, costPerClick: 0.3, clickThroughRate: 0.18, conversionRate: 0.036, lastWeek: { spend: 1, conversionRate: 1.02 } },
  { name: 'Retargeting - Display', dailySpend: 140, costPerClick: 0.42, clickThroughRate: 0.009, conversionRate: 0.022, lastWeek: { spend: 0.97, conversionRate: 0.7 } },
];

const META_CAMPAIGNS: Campaign[] = [
  { name: 'Lookalike - Feed', dailySpend: 390, costPerClick: 0.61, clickThroughRate: 0.016, conversionRate: 0.014, lastWeek: { spend: 1.02, conversionRate: 0.95 } },
  { name: 'Stories - Video', dailySpend: 150, costPerClick: 0.8, clickThroughRate: 0.008, conversionRate: 0.008, lastWeek: { spend: 1.5, conversionRate: 1.1 } },
  { name: 'Retargeting - Carousel', dailySpend: 95, costPerClick: 0.55, clickThroughRate: 0.021, conversionRate: 0.031, lastWeek: { spend: 1, conversionRate: 1 } },
];

interface Day {
  date: string;
  campaign: string;
  spend: number;
  impressions: number;
  clicks: number;
  conversions: number;
}

/** A repeatable wobble in [-spread, spread] for a campaign, day and figure. */
function wobble(key: string, spread: number): number {
  let hash = 2166136261;
  for (const char of key) hash = Math.imul(hash ^ char.charCodeAt(0), 16777619) >>> 0;
  return ((hash % 10_000) / 10_000 - 0.5) * 2 * spread;
}

function daysOf(campaigns: Campaign[], dates: string[], weekendFactor: number): Day[] {
  const lastWeekStarts = dates[7]!;
  return dates.flatMap((date) =>
    campaigns.map((campaign) => {
      const key = `${campaign.name} ${date}`;
      const lastWeek = date >= lastWeekStarts;
      const weekday = new Date(Date.parse(date)).getUTCDay();
      const weekend = weekday === 0 || weekday === 6 ? weekendFactor : 1;
      const spend = Math.round(campaign.dailySpend * weekend * (lastWeek ? campaign.lastWeek.spend : 1) * (1 + wobble(`${key} spend`, 0.12)) * 100) / 100;
      const clicks = Math.round((spend / campaign.costPerClick) * (1 + wobble(`${key} clicks`, 0.06)));
      const conversionRate = campaign.conversionRate * (lastWeek ? campaign.lastWeek.conversionRate : 1) * (1 + wobble(`${key} conversions`, 0.25));
      return {
        date,
        campaign: campaign.name,
        spend,
        impressions: Math.round(clicks / campaign.clickThroughRate),
        clicks,
        conversions: Math.round(clicks * conversionRate),
      };
    }),
  );
}

function csvLine(cells: (string | number)[]): string {
  return cells.map((cell) => (/[",\n]/.test(String(cell)) ? `"${String(cell).replaceAll('"', '""')}"` : String(cell))).join(',');
}

const grouped = (value: number, decimals = 0) => value.toLocaleString('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
const longDate = (day: string) => new Date(Date.parse(day)).toLocaleDateString('en-US', { timeZone: 'UTC', month: 'long', day: 'numeric', year: 'numeric' });

function googleAdsCsv(rows: Day[], from: string, to: string): string {
  const sum = (figure: 'spend' | 'impressions' | 'clicks' | 'conversions') => rows.reduce((total, row) => total + row[figure], 0);
  return [
    'Campaign performance report',
    csvLine([`${longDate(from)} - ${longDate(to)}`]),
    csvLine(['Day', 'Campaign', 'Currency code', 'Cost', 'Impr.', 'Clicks', 'Conversions']),
    ...rows.map((row) => csvLine([row.date, row.campaign, 'EUR', grouped(row.spend, 2), grouped(row.impressions), grouped(row.clicks), grouped(row.conversions, 2)])),
    csvLine(['Total: Account', '', 'EUR', grouped(sum('spend'), 2), grouped(sum('impressions')), grouped(sum('clicks')), grouped(sum('conversions'), 2)]),
  ].join('\n');
}

function metaCsv(rows: Day[], from: string, to: string): string {
  return [
    csvLine(['Reporting starts', 'Reporting ends', 'Day', 'Campaign name', 'Amount spent (EUR)', 'Impressions', 'Link clicks', 'Results', 'Result indicator']),
    ...rows.map((row) => csvLine([from, to, row.date, row.campaign, row.spend.toFixed(2), row.impressions, row.clicks, row.conversions, 'actions:offsite_conversion.fb_pixel_purchase'])),
  ].join('\n');
}

/** The exports a team would have downloaded on `date` (YYYY-MM-DD) for the 14 days before it. */
export function exampleAdExports(date: string): ExampleAdExports {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || Number.isNaN(Date.parse(date))) throw new Error(`exampleAdExports needs a day as YYYY-MM-DD, not "${date}".`);
  const dates = Array.from({ length: 14 }, (_, index) => addDays(date, index - 14));
  const from = dates[0]!;
  const to = dates[13]!;
  return {
    period: { from, to },
    // Search is quieter at the weekend; social feeds are busier.
    googleAds: googleAdsCsv(daysOf(GOOGLE_CAMPAIGNS, dates, 0.7), from, to),
    meta: metaCsv(daysOf(META_CAMPAIGNS, dates, 1.15), from, to),
  };
}
