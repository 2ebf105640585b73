// Writes the files the examples' connectors read, dated around today: the ad platforms' CSV
// exports for the last two weeks and the sales manager's calendar for this week. `npm start`
// runs it first (prestart), so the demo always has a "last week" to report on.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { exampleAdExports } from '../connectors/ads/index.ts';
import { exampleCalendarIcs } from '../connectors/calendar/index.ts';

export const EXAMPLE_DATA_DIR = 'example-data';

/** Writes the example data under `<examplesDir>/example-data/`; returns what it wrote. */
export function writeExampleData(examplesDir: string, now = Date.now()): string[] {
  const dir = join(examplesDir, EXAMPLE_DATA_DIR);
  mkdirSync(join(dir, 'ads'), { recursive: true });
  const ads = exampleAdExports(new Date(now).toISOString().slice(0, 10));
  const files = {
    'ads/google-ads.csv': ads.googleAds,
    'ads/meta-ads.csv': ads.meta,
    // Otto reads the calendar in New York time, like his schedule.
    'calendar.ics': exampleCalendarIcs({ now, timeZone: 'America/New_York' }),
  };
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return Object.keys(files).map((name) => join(dir, name));
}

if (import.meta.main) {
  const written = writeExampleData(resolve(process.argv[2] ?? 'examples'));
  console.log(`example data: ${written.join(', ')}`);
}
