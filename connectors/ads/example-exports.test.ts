import { describe, expect, it } from 'vitest';
import { exampleAdExports } from './example-exports.ts';

describe('the example exports', () => {
  const exports = exampleAdExports('2026-03-16');
  const dataLines = (text: string, header: string) => text.split('\n').slice(text.split('\n').indexOf(header) + 1);

  it('cover the 14 days before the date, three campaigns a day on each platform', () => {
    expect(exports.period).toEqual({ from: '2026-03-02', to: '2026-03-15' });
    const google = dataLines(exports.googleAds, 'Day,Campaign,Currency code,Cost,Impr.,Clicks,Conversions');
    expect(google).toHaveLength(14 * 3 + 1);
    expect(google[0]).toMatch(/^2026-03-02,Spring Sale - Search,EUR,/);
    expect(google.at(-1)).toMatch(/^Total: Account,,EUR,/);
    const meta = dataLines(exports.meta, 'Reporting starts,Reporting ends,Day,Campaign name,Amount spent (EUR),Impressions,Link clicks,Results,Result indicator');
    expect(meta).toHaveLength(14 * 3);
    expect(meta.at(-1)).toMatch(/^2026-03-02,2026-03-15,2026-03-15,Retargeting - Carousel,\d+\.\d\d,\d+,\d+,\d+,/);
  });

  it('come out the same for the same date, and differently for another', () => {
    expect(exampleAdExports('2026-03-16')).toEqual(exports);
    expect(exampleAdExports('2026-03-17').googleAds).not.toEqual(exports.googleAds);
  });

  it('refuse a date that is not a day', () => {
    expect(() => exampleAdExports('16/03/2026')).toThrow('YYYY-MM-DD');
  });
});
