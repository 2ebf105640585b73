import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { CoworkersError } from '../../protocol/index.ts';
import { csvSettings } from './ads.settings.ts';
import { csvSource, rowsOf } from './csv-exports.ts';

const GOOGLE_EXPORT = [
  'Campaign performance report',
  '"March 9, 2026 - March 10, 2026"',
  'Day,Campaign,Currency code,Cost,Impr.,Clicks,Conversions',
  '2026-03-09,"Spring Sale, Search",EUR,"1,204.50","13,493",958,28.50',
  '2026-03-09,Brand - Search,EUR,176.76,"3,444",620,--',
  '2026-03-10,Brand - Search,EUR,180.00,"3,500",640,26.00',
  'Total: Account,,EUR,"1,561.26","20,437","2,218",54.50',
].join('\n');

const META_EXPORT = [
  'Reporting starts,Reporting ends,Day,Campaign name,Amount spent (USD),Impressions,Link clicks,Results,Result indicator',
  '2026-03-01,2026-03-14,2026-03-09,Lookalike - Feed,374.99,38938,623,8,actions:offsite_conversion.fb_pixel_purchase',
  '2026-03-01,2026-03-14,2026-03-10,Stories - Video,140.02,21125,169,,',
].join('\n');

const noSettings = { columns: {} };

async function failure(run: () => unknown): Promise<CoworkersError> {
  const error = await Promise.resolve().then(run).then(() => undefined, (reason: unknown) => reason);
  expect(error).toMatchObject({ code: 'TOOL_FAILED', retryable: false });
  return error as CoworkersError;
}

describe('reading an ads export', () => {
  it('finds the header of a Google Ads export below its title, and skips the total row', () => {
    expect(rowsOf('google.csv', GOOGLE_EXPORT, noSettings)).toEqual([
      { platform: 'googleAds', date: '2026-03-09', campaign: 'Spring Sale, Search', currency: 'EUR', spend: 1204.5, impressions: 13493, clicks: 958, conversions: 28.5 },
      { platform: 'googleAds', date: '2026-03-09', campaign: 'Brand - Search', currency: 'EUR', spend: 176.76, impressions: 3444, clicks: 620, conversions: 0 },
      { platform: 'googleAds', date: '2026-03-10', campaign: 'Brand - Search', currency: 'EUR', spend: 180, impressions: 3500, clicks: 640, conversions: 26 },
    ]);
  });

  it("reads a Meta export by day, its currency from the spend column's header", () => {
    expect(rowsOf('meta.csv', META_EXPORT, noSettings)).toEqual([
      { platform: 'meta', date: '2026-03-09', campaign: 'Lookalike - Feed', currency: 'USD', spend: 374.99, impressions: 38938, clicks: 623, conversions: 8 },
      { platform: 'meta', date: '2026-03-10', campaign: 'Stories - Video', currency: 'USD', spend: 140.02, impressions: 21125, clicks: 169, conversions: 0 },
    ]);
  });

  it('takes the currency from the settings when the export does not name it, and reads days written out', () => {
    const text = 'Day,Campaign,Cost,Impressions,Clicks,Conversions\n"Mar 9, 2026",Brand - Search,10.00,100,5,1';
    expect(rowsOf('google.csv', text, { ...noSettings, currency: 'GBP' })).toEqual([
      { platform: 'googleAds', date: '2026-03-09', campaign: 'Brand - Search', currency: 'GBP', spend: 10, impressions: 100, clicks: 5, conversions: 1 },
    ]);
  });

  it('reads renamed columns through csv.columns, keeping the known names for the rest', () => {
    const german = 'Tag,Kampagne,Kosten,Impr.,Klicks,Conversions\n2026-03-09,Marke - Suche,"1,000.00",900,80,4';
    const columns = { googleAds: { date: 'Tag', campaign: 'Kampagne', spend: 'Kosten', clicks: 'Klicks' } };
    expect(rowsOf('google.csv', german, { columns, currency: 'EUR' })).toEqual([
      { platform: 'googleAds', date: '2026-03-09', campaign: 'Marke - Suche', currency: 'EUR', spend: 1000, impressions: 900, clicks: 80, conversions: 4 },
    ]);
  });

  it('refuses unknown columns, naming the ones it found and the mapping setting', async () => {
    const error = await failure(() => rowsOf('exports/linkedin.csv', 'Start Date,Campaign Name,Total Spent,Impressions,Clicks,Leads\n2026-03-09,ABM,10,100,5,1', noSettings));
    expect(error.message).toContain('exports/linkedin.csv');
    expect(error.message).toContain('"Start Date", "Campaign Name", "Total Spent", "Impressions", "Clicks", "Leads"');
    expect(error.message).toContain('"Day", "Campaign", "Cost", "Impr.", "Clicks", "Conversions"');
    expect(error.hint).toContain('csv.columns.googleAds or csv.columns.meta');
  });

  it('names the file, line and column of a figure that is not a number', async () => {
    const error = await failure(() => rowsOf('google.csv', 'Day,Campaign,Cost,Impr.,Clicks,Conversions\n2026-03-09,Brand,ten,100,5,1', noSettings));
    expect(error.message).toBe('The ads export has "ten" where a number belongs (google.csv line 2, column spend).');
  });

  it('names the line of a day it cannot read', async () => {
    const error = await failure(() => rowsOf('meta.csv', 'Day,Campaign name,Amount spent (EUR),Impressions,Link clicks,Results\nsoon,Feed,1,1,1,1', noSettings));
    expect(error.message).toContain('"soon" where a day belongs (meta.csv line 2)');
  });
});

describe('the CSV source', () => {
  const folders: string[] = [];
  afterEach(() => {
    for (const made of folders.splice(0)) rmSync(made, { recursive: true, force: true });
  });

  function folder(): string {
    const base = mkdtempSync(join(tmpdir(), 'ads-csv-'));
    folders.push(base);
    mkdirSync(join(base, 'exports'));
    writeFileSync(join(base, 'exports', 'google-ads.csv'), GOOGLE_EXPORT);
    writeFileSync(join(base, 'exports', 'notes.txt'), 'not an export');
    return base;
  }

  it('reads every .csv of the folder and the listed files, relative to the base folder, for the days asked', async () => {
    const base = folder();
    writeFileSync(join(base, 'meta.csv'), META_EXPORT);
    const source = csvSource(csvSettings.parse({ dir: 'exports', files: ['meta.csv'] }), base);
    expect(source.label).toBe('CSV exports (exports/, meta.csv)');
    const rows = await source.read({ from: '2026-03-10', to: '2026-03-16' });
    expect(rows.map((row) => [row.platform, row.date, row.campaign])).toEqual([
      ['googleAds', '2026-03-10', 'Brand - Search'],
      ['meta', '2026-03-10', 'Stories - Video'],
    ]);
  });

  it('reads again at every call, so a new export counts at once', async () => {
    const base = folder();
    const source = csvSource(csvSettings.parse({ dir: 'exports' }), base);
    expect(await source.read({ from: '2026-03-09', to: '2026-03-10' })).toHaveLength(3);
    writeFileSync(join(base, 'exports', 'meta.csv'), META_EXPORT);
    expect(await source.read({ from: '2026-03-09', to: '2026-03-10' })).toHaveLength(5);
  });

  it("reads Google Ads' UTF-16, tab-separated exports for Excel", async () => {
    const base = folder();
    const tabbed = GOOGLE_EXPORT.split('\n').map((line) => line.replace(/"([^"]*)"|,/g, (_match, quoted: string | undefined) => (quoted === undefined ? '\t' : quoted)));
    writeFileSync(join(base, 'excel.csv'), Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(tabbed.join('\r\n'), 'utf16le')]));
    const rows = await csvSource(csvSettings.parse({ files: ['excel.csv'] }), base).read({ from: '2026-03-09', to: '2026-03-09' });
    expect(rows.map((row) => [row.campaign, row.spend, row.impressions])).toEqual([
      ['Spring Sale, Search', 1204.5, 13493],
      ['Brand - Search', 176.76, 3444],
    ]);
  });

  it('says which file is missing and which setting names it', async () => {
    const error = await failure(() => csvSource(csvSettings.parse({ files: ['gone.csv'] }), folder()).read({ from: '2026-03-09', to: '2026-03-10' }));
    expect(error.message).toMatch(/The ads export .*gone\.csv cannot be read/);
    expect(error.hint).toContain('csv.files');
  });

  it('needs a folder or a list of files', () => {
    expect(csvSettings.safeParse({}).success).toBe(false);
    expect(csvSettings.safeParse({ dir: 'exports', currency: 'euro' }).success).toBe(false);
  });
});
