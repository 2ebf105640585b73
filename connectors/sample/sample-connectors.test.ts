import { describe, expect, it } from 'vitest';
import type { ToolCall } from '../../protocol/index.ts';
import { createSampleConnectors, findSample, type SampleConnector } from './sample-connectors.ts';
import { SAMPLE_SOURCE } from './sample-data.ts';

function call(tool: string, args: Record<string, unknown>): ToolCall {
  return { v: 1, tool, args, coworkerId: 'ava', runId: 'run-1', idempotencyKey: crypto.randomUUID() };
}

async function run(connectors: SampleConnector[], tool: string, args: Record<string, unknown>): Promise<any> {
  const connector = connectors.find((candidate) => tool.startsWith(`${candidate.name}.`))!;
  return (await connector.call(call(tool, args))).result;
}

describe('the sample connectors', () => {
  it('declare their risks and label every answer as sample data', async () => {
    const connectors = createSampleConnectors();
    expect(Object.fromEntries(connectors.flatMap((connector) => connector.specs).map((spec) => [spec.name, spec.risk]))).toEqual({
      'sheets.appendRow': 'write',
      'slack.post': 'public-post',
    });
    await expect(run(connectors, 'sheets.appendRow', { sheet: 'Weekly ads', values: ['Brand - Search', 1180, 142] })).resolves.toMatchObject({ source: SAMPLE_SOURCE });
    await expect(run(connectors, 'slack.post', { channel: '#ad-performance', text: 'Weekly summary' })).resolves.toMatchObject({ source: SAMPLE_SOURCE });
  });

  it('start with fresh state in every set', async () => {
    const first = createSampleConnectors();
    await run(first, 'slack.post', { channel: '#sales', text: 'hello' });
    expect(findSample(first, 'slack').posts).toEqual([{ channel: '#sales', text: 'hello', ts: expect.stringMatching(/^\d+\.000001$/) }]);
    expect(findSample(createSampleConnectors(), 'slack').posts).toEqual([]);
  });

  it('number appended rows per sheet', async () => {
    const connectors = createSampleConnectors();
    const rows = [];
    for (const sheet of ['Weekly ads', 'Weekly ads', 'Other']) rows.push((await run(connectors, 'sheets.appendRow', { sheet, values: ['x'] })).row);
    expect(rows).toEqual([1, 2, 1]);
    expect(findSample(connectors, 'sheets').rows.map((row) => row.sheet)).toEqual(['Weekly ads', 'Weekly ads', 'Other']);
  });
});
