// The `ads` sample: last week's figures for a handful of paid campaigns, the same every week,
// enough for the weekly ad report to have a best, a worst and a big week-over-week change.
import { z } from 'zod';
import { defineConnector, type Connector } from '../connector-kit.ts';
import { SAMPLE_SOURCE, addDays, mondayOf, today } from './sample-data.ts';

export type AdsSample = Connector<'ads'>;

interface Figures {
  spend: number;
  clicks: number;
  conversions: number;
}

const CAMPAIGNS: { campaign: string; channel: string; week: Figures; previousWeek: Figures }[] = [
  { campaign: 'Spring Sale - Search', channel: 'Google Ads', week: { spend: 4210, clicks: 6120, conversions: 168 }, previousWeek: { spend: 3980, clicks: 5890, conversions: 171 } },
  { campaign: 'Brand - Search', channel: 'Google Ads', week: { spend: 1180, clicks: 3940, conversions: 142 }, previousWeek: { spend: 1150, clicks: 3810, conversions: 139 } },
  { campaign: 'Retargeting - Display', channel: 'Google Ads', week: { spend: 960, clicks: 2310, conversions: 37 }, previousWeek: { spend: 990, clicks: 2420, conversions: 52 } },
  { campaign: 'Lookalike - Feed', channel: 'Meta', week: { spend: 2750, clicks: 4480, conversions: 61 }, previousWeek: { spend: 2690, clicks: 4300, conversions: 64 } },
  { campaign: 'Stories - Video', channel: 'Meta', week: { spend: 1530, clicks: 1920, conversions: 14 }, previousWeek: { spend: 1020, clicks: 1350, conversions: 12 } },
  { campaign: 'Decision Makers - Sponsored', channel: 'LinkedIn', week: { spend: 2240, clicks: 610, conversions: 19 }, previousWeek: { spend: 2300, clicks: 640, conversions: 18 } },
];

function withCostPerConversion(figures: Figures) {
  return { ...figures, costPerConversion: Math.round((figures.spend / figures.conversions) * 100) / 100 };
}

export function createAdsSample(): AdsSample {
  return defineConnector({
    name: 'ads',
    description: 'Sample ad campaign numbers for the offline demo.',
    tools: {
      getCampaignStats: {
        description: 'Spend, clicks, conversions and cost per conversion of every active campaign for a period, with the week before for comparison.',
        risk: 'read',
        input: z.strictObject({
          from: z.iso.date().optional().describe("First day, YYYY-MM-DD. Default: last week's Monday."),
          to: z.iso.date().optional().describe('Last day, YYYY-MM-DD. Default: six days after `from`.'),
        }),
        async run({ from, to }) {
          const first = from ?? addDays(mondayOf(today()), -7);
          return {
            source: SAMPLE_SOURCE,
            period: { from: first, to: to ?? addDays(first, 6) },
            currency: 'EUR',
            campaigns: CAMPAIGNS.map(({ campaign, channel, week, previousWeek }) => ({
              campaign,
              channel,
              ...withCostPerConversion(week),
              previousWeek: withCostPerConversion(previousWeek),
            })),
          };
        },
      },
    },
  });
}
