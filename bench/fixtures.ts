// Shared set-up for the benchmarks: many coworker definitions, a quiet logger, a fixed clock.
import { pino } from 'pino';
import type { Clock, TaskRunner } from '../actors/index.ts';
import { systemClock } from '../actors/index.ts';
import { coworkerDefinitionSchema, ephemeralSigner, trustingOnly, type CoworkerDefinition } from '../protocol/index.ts';

export const quietLogger = pino({ level: 'silent' });
/** Benchmarks send tasks only, which need no signature; the host still wants to know whom it trusts. */
export const benchTrust = trustingOnly(ephemeralSigner());

export function manyDefinitions(count: number): CoworkerDefinition[] {
  return Array.from({ length: count }, (_, index) =>
    coworkerDefinitionSchema.parse({
      id: `bench-${index}`,
      name: `Bench ${index}`,
      role: 'Benchmark coworker',
      team: `team-${index % 20}`,
      manager: { name: `Manager ${index % 50}`, slack: `UMGR${index % 50}`, email: `manager${index % 50}@example.com` },
      timezone: ['Europe/Berlin', 'America/New_York', 'Asia/Tokyo'][index % 3],
      tools: ['crm.searchDeals', 'email.send'],
      jobs: [{ id: 'weekly', instructions: 'Summarise the week.', schedule: '0 8 * * 1', tools: ['crm.searchDeals'] }],
    }),
  );
}

/**
 * A clock that reads a Saturday (so every coworker is off duty and a task only queues: one
 * transition, one snapshot, one event per command) while its timers run in real time.
 */
export function saturdayClock(): Clock {
  const offset = Date.UTC(2026, 10, 28, 12, 0) - Date.now();
  return { now: () => Date.now() + offset, schedule: (at, fire) => systemClock.schedule(at - offset, fire) };
}

export const idleRunner: TaskRunner = async () => ({ kind: 'done', summary: 'benchmark' });

export function heapUsed(): number {
  globalThis.gc?.();
  globalThis.gc?.();
  return process.memoryUsage().heapUsed;
}
