// The `sheets` sample: rows appended to named sheets, kept in memory where a test can read them.
import { z } from 'zod';
import { defineConnector, type Connector } from '../connector-kit.ts';
import { SAMPLE_SOURCE } from './sample-data.ts';

const cellSchema = z.union([z.string(), z.number(), z.boolean(), z.null()]);

export interface AppendedRow {
  sheet: string;
  /** 1 for the first row appended to that sheet. */
  row: number;
  values: z.output<typeof cellSchema>[];
}

export interface SheetsSample extends Connector<'sheets'> {
  readonly rows: readonly AppendedRow[];
}

export function createSheetsSample(): SheetsSample {
  const rows: AppendedRow[] = [];
  const connector = defineConnector({
    name: 'sheets',
    description: 'A sample spreadsheet that records appended rows.',
    tools: {
      appendRow: {
        description: 'Append one row of values to the end of a sheet and return its row number.',
        risk: 'write',
        consequential: ['sheet'],
        input: z.strictObject({
          sheet: z.string().min(1).describe('The sheet name, e.g. "Weekly ads".'),
          values: z.array(cellSchema).min(1).describe('The cells of the row, left to right.'),
        }),
        async run({ sheet, values }) {
          const row = rows.filter((appended) => appended.sheet === sheet).length + 1;
          rows.push({ sheet, row, values });
          return { source: SAMPLE_SOURCE, sheet, row };
        },
      },
    },
  });
  return { ...connector, rows };
}
