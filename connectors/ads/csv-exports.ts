// CSV exports as a source, for teams that start with files: Google Ads and Meta Ads Manager
// reports with a row per campaign and day. Each file's platform and columns are told by its
// header row (or by the `csv.columns` setting), and the files are read again at every call.
import { readFile, readdir } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { parse } from 'csv-parse/sync';
import { CoworkersError } from '../../protocol/index.ts';
import type { ColumnMapping, CsvSettings } from './ads.settings.ts';
import type { AdsSource, DailyRow, Platform } from './campaign-stats.ts';

const FIGURES = ['date', 'campaign', 'spend', 'impressions', 'clicks', 'conversions'] as const;
type Figure = (typeof FIGURES)[number];
type Column = Figure | 'currency';

/** The headers each platform's exports use, in English; matched without regard to case. */
const KNOWN_HEADERS: Record<Platform, Record<Column, string[]>> = {
  googleAds: {
    date: ['Day', 'Date'],
    campaign: ['Campaign'],
    spend: ['Cost'],
    impressions: ['Impr.', 'Impressions'],
    clicks: ['Clicks'],
    conversions: ['Conversions'],
    currency: ['Currency code', 'Currency'],
  },
  meta: {
    date: ['Day', 'Date'],
    campaign: ['Campaign name'],
    // Meta names the account's currency in the header: "Amount spent (EUR)".
    spend: ['Amount spent'],
    impressions: ['Impressions'],
    clicks: ['Link clicks', 'Clicks (all)'],
    conversions: ['Results'],
    currency: ['Currency'],
  },
};

const PLATFORM_NAMES: Record<Platform, string> = { googleAds: 'Google Ads', meta: 'Meta' };
/** Exports put a title and a date range above the header row. */
const HEADER_SEARCH_ROWS = 10;

interface Layout {
  platform: Platform;
  headerIndex: number;
  /** The index of each column in a row; currency only when the export has such a column. */
  columns: Record<Figure, number> & { currency?: number };
  /** The currency named in a header such as "Amount spent (EUR)". */
  headerCurrency: string | undefined;
}

export function csvSource(settings: CsvSettings, baseDir: string): AdsSource {
  const named = [...(settings.dir ? [`${settings.dir}/`] : []), ...(settings.files ?? [])];
  return {
    label: `CSV exports (${named.join(', ')})`,
    platforms: ['googleAds', 'meta'],
    async read(period) {
      const paths = await exportPaths(settings, baseDir);
      const rows = await Promise.all(paths.map(async (path) => rowsOf(relative(baseDir, path), await readExport(path), settings)));
      return rows.flat().filter((row) => row.date >= period.from && row.date <= period.to);
    },
  };
}

async function exportPaths(settings: CsvSettings, baseDir: string): Promise<string[]> {
  const files = (settings.files ?? []).map((file) => resolve(baseDir, file));
  if (!settings.dir) return files;
  const dir = resolve(baseDir, settings.dir);
  const names = await readdir(dir).catch((error: unknown) => {
    throw new CoworkersError('TOOL_FAILED', `The ads exports folder ${dir} cannot be read: ${(error as Error).message}`, {
      hint: 'Create the folder named by csv.dir in connectors.yaml (relative to that file) and put the CSV exports in it.',
    });
  });
  return [...names.filter((name) => name.toLowerCase().endsWith('.csv')).sort().map((name) => join(dir, name)), ...files];
}

/** The export's text: Google Ads offers UTF-16 exports for Excel besides UTF-8 ones. */
async function readExport(path: string): Promise<string> {
  const bytes = await readFile(path).catch((error: unknown) => {
    throw new CoworkersError('TOOL_FAILED', `The ads export ${path} cannot be read: ${(error as Error).message}`, {
      hint: 'Put the export at that path or fix csv.files in connectors.yaml (paths are relative to that file).',
    });
  });
  const utf16 = bytes[0] === 0xff && bytes[1] === 0xfe;
  return utf16 ? bytes.subarray(2).toString('utf16le') : bytes.toString('utf8').replace(/^\uFEFF/, '');
}

export function rowsOf(file: string, text: string, settings: Pick<CsvSettings, 'columns' | 'currency'>): DailyRow[] {
  const records = parseRecords(file, text);
  const layout = layoutOf(file, records, settings.columns);
  const rows: DailyRow[] = [];
  records.slice(layout.headerIndex + 1).forEach((record, index) => {
    const line = layout.headerIndex + index + 2;
    const cell = (figure: Figure) => record[layout.columns[figure]]?.trim() ?? '';
    // Blank lines, and the total rows exports end with ("Total: Account", a day's total).
    if (!cell('date') || !cell('campaign') || /^total\b/i.test(record[0]?.trim() ?? '')) return;
    const number = (figure: Figure) => numberIn(cell(figure), `${file} line ${line}, column ${figure}`);
    const currencyCell = layout.columns.currency === undefined ? '' : (record[layout.columns.currency]?.trim() ?? '');
    rows.push({
      platform: layout.platform,
      date: dayIn(cell('date'), `${file} line ${line}`),
      campaign: cell('campaign'),
      currency: currencyCell || layout.headerCurrency || settings.currency || null,
      spend: number('spend'),
      impressions: number('impressions'),
      clicks: number('clicks'),
      conversions: number('conversions'),
    });
  });
  return rows;
}

function parseRecords(file: string, text: string): string[][] {
  // Excel-friendly exports are tab-separated; tell them by the delimiter their top lines use most.
  const top = text.split('\n', HEADER_SEARCH_ROWS).join('\n');
  const delimiter = (top.match(/\t/g)?.length ?? 0) > (top.match(/,/g)?.length ?? 0) ? '\t' : ',';
  try {
    return parse(text, { delimiter, relax_column_count: true });
  } catch (error) {
    throw new CoworkersError('TOOL_FAILED', `The ads export ${file} is not valid CSV: ${(error as Error).message}`, {
      hint: 'Download the export again from Google Ads or Meta Ads Manager as CSV.',
    });
  }
}

/** Finds the header row and the platform whose columns it has (the known headers or `csv.columns`). */
function layoutOf(file: string, records: string[][], overrides: CsvSettings['columns']): Layout {
  const candidates = records.slice(0, HEADER_SEARCH_ROWS);
  for (const [headerIndex, record] of candidates.entries()) {
    const headers = record.map((header) => header.trim().toLowerCase());
    const matches = (['googleAds', 'meta'] as const).flatMap((platform) => {
      const layout = columnsIn(headers, platform, overrides[platform]);
      return layout ? [{ ...layout, platform, headerIndex }] : [];
    });
    if (matches.length > 1) {
      throw new CoworkersError('TOOL_FAILED', `The ads export ${file} has the columns of both a Google Ads and a Meta export.`, {
        hint: 'Make csv.columns.googleAds and csv.columns.meta in connectors.yaml name different headers.',
      });
    }
    if (matches[0]) return matches[0];
  }
  const widest = candidates.reduce<string[]>((best, record) => (record.length > best.length ? record : best), []);
  throw new CoworkersError(
    'TOOL_FAILED',
    `The ads export ${file} has columns the ads connector does not know: ${widest.map((header) => `"${header}"`).join(', ')}. It needs a column for each of ${FIGURES.join(', ')}: ${(['googleAds', 'meta'] as const)
      .map((platform) => `${PLATFORM_NAMES[platform]} exports use ${FIGURES.map((figure) => `"${overrides[platform]?.[figure] ?? KNOWN_HEADERS[platform][figure][0]}"`).join(', ')}`)
      .join('; ')}.`,
    { hint: 'Name the headers of this export in csv.columns.googleAds or csv.columns.meta in connectors.yaml, e.g. `conversions: "All conv."`, or export it again with those columns.' },
  );
}

function columnsIn(headers: string[], platform: Platform, override: ColumnMapping | undefined): Omit<Layout, 'platform' | 'headerIndex'> | undefined {
  const indexOf = (column: Column): number => {
    const wanted = override?.[column] ? [override[column]] : KNOWN_HEADERS[platform][column];
    for (const name of wanted) {
      const lower = name.toLowerCase();
      const index = column === 'spend' && !override?.spend ? headers.findIndex((header) => header === lower || header.startsWith(`${lower} (`)) : headers.indexOf(lower);
      if (index >= 0) return index;
    }
    return -1;
  };
  const columns = Object.fromEntries(FIGURES.map((figure) => [figure, indexOf(figure)])) as Record<Figure, number>;
  if (Object.values(columns).some((index) => index < 0)) return undefined;
  const currency = indexOf('currency');
  const headerCurrency = /\(([A-Z]{3})\)\s*$/i.exec(headers[columns.spend] ?? '')?.[1]?.toUpperCase();
  return { columns: currency >= 0 ? { ...columns, currency } : columns, headerCurrency };
}

/** "1,234.56", "€1,234.56" or "--" (none): exports write figures for people, in English notation. */
function numberIn(text: string, where: string): number {
  if (text === '' || /^-+$/.test(text)) return 0;
  const value = Number(text.replace(/[^\d.-]/g, ''));
  if (Number.isFinite(value) && /\d/.test(text)) return value;
  throw new CoworkersError('TOOL_FAILED', `The ads export has "${text}" where a number belongs (${where}).`, {
    hint: 'Export the report again with plain numbers, or point csv.columns in connectors.yaml at the right column.',
  });
}

/** YYYY-MM-DD, or a date as people write it ("Jan 5, 2026"), read as that calendar day. */
function dayIn(text: string, where: string): string {
  if (/^\d{4}-\d{2}-\d{2}$/.test(text)) return text;
  const parsed = new Date(Date.parse(text));
  if (Number.isNaN(parsed.getTime())) {
    throw new CoworkersError('TOOL_FAILED', `The ads export has "${text}" where a day belongs (${where}).`, {
      hint: 'Export the report with the Day column as YYYY-MM-DD, or point csv.columns.date in connectors.yaml at the right column.',
    });
  }
  // Date.parse reads such text as local time, so the local calendar fields are the day written.
  return [parsed.getFullYear(), parsed.getMonth() + 1, parsed.getDate()].map((part) => String(part).padStart(2, '0')).join('-');
}
