// Next runs come from each job's cron in the coworker's own time zone, seconds field included.
import { describe, expect, it } from 'vitest';
import { coworkerDefinitionSchema } from '../../protocol/index.ts';
import { jobViews } from './coworker-cards.ts';

const definition = coworkerDefinitionSchema.parse({
  id: 'tia',
  name: 'Tia',
  role: 'Tester',
  team: 'qa',
  manager: { name: 'Maria Lopez', slack: 'U04MARIA01', email: 'maria@example.com' },
  timezone: 'Asia/Tokyo',
  jobs: [
    { id: 'with-seconds', instructions: 'x', schedule: '30 0 9 * * *' },
    { id: 'on-event', instructions: 'x', triggers: [{ event: 'crm.deal.stale' }] },
  ],
});

describe('jobViews', () => {
  it('computes the next run of a six-field cron in the coworker time zone, and none for triggers only', () => {
    // 2026-03-02 01:00 UTC is 10:00 in Tokyo: the next 09:00:30 there is the next day.
    expect(jobViews(definition, Date.parse('2026-03-02T01:00:00Z'))).toEqual([
      { id: 'with-seconds', schedule: '30 0 9 * * *', triggers: [], nextRun: Date.parse('2026-03-03T00:00:30Z') },
      { id: 'on-event', triggers: ['crm.deal.stale'] },
    ]);
  });
});
