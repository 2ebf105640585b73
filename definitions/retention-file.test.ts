import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultRetention, formatProblem, loadDefinitions, loadRetention, parseRetention } from './index.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const problemsOf = (text: string) => parseRetention(text, 'retention.yaml').problems.map(formatProblem);

describe('parseRetention', () => {
  it('reads durations and fills in the defaults for what it leaves out', () => {
    const { retention, problems } = parseRetention(['retention:', '  audit: 90d', '  chatPosts: 12h'].join('\n'), 'retention.yaml');
    expect(problems).toEqual([]);
    expect(retention).toEqual({ audit: 90 * DAY, executedKeys: 30 * DAY, fires: 30 * DAY, drafts: 90 * DAY, chatPosts: 12 * HOUR });
  });

  it('is the defaults for an empty file', () => {
    expect(parseRetention('', 'retention.yaml').retention).toEqual(defaultRetention());
    expect(defaultRetention()).toEqual({ audit: 365 * DAY, executedKeys: 30 * DAY, fires: 30 * DAY, drafts: 90 * DAY, chatPosts: 30 * DAY });
  });

  it('points at each mistake with file:line:column', () => {
    expect(problemsOf(['retention:', '  audit: 1 year', '  fire: 30d', '  executedKeys: 1h'].join('\n'))).toEqual([
      'retention.yaml:2:10: retention.audit: a duration is a number and a unit: "90s", "30m", "4h" or "2d"',
      'retention.yaml:3:3: unknown field "fire" — did you mean "fires"?\n  fields allowed here: audit, executedKeys, fires, drafts, chatPosts',
      'retention.yaml:4:17: retention.executedKeys: executed keys are kept at least 7d: a command can come back from the stream for 7 days, and a call repeated after its key was pruned would run again',
    ]);
  });
});

describe('loadRetention', () => {
  it('is the defaults without a retention.yaml, and is not taken for a coworker definition', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'coworkers-retention-'));
    try {
      expect(await loadRetention(dir)).toEqual({ retention: defaultRetention(), problems: [] });
      await writeFile(join(dir, 'retention.yaml'), 'retention:\n  fires: 2d\n');
      expect((await loadRetention(dir)).retention?.fires).toBe(2 * DAY);
      const { problems } = await loadDefinitions(dir);
      expect(problems.map((problem) => problem.message)).toEqual(['no coworker definitions here: the directory has no .yaml or .yml files']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
