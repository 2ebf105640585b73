// Time to restore many coworkers from a store: a second host starts on snapshots the first wrote.
import { createCoworkerHost } from '../actors/index.ts';
import { createMemoryBus } from '../messaging/index.ts';
import type { Store } from '../persistence/index.ts';
import { idleRunner, manyDefinitions, quietLogger, benchTrust } from './fixtures.ts';

export async function restoreTime(store: Store, count: number): Promise<{ seededMs: number; restoreMs: number }> {
  const definitions = manyDefinitions(count);
  const bus = createMemoryBus();
  const seedStart = performance.now();
  const first = createCoworkerHost({ definitions, bus, store, runTask: idleRunner, logger: quietLogger, trust: benchTrust });
  await first.start();
  await first.stop();
  const seededMs = performance.now() - seedStart;

  const start = performance.now();
  const second = createCoworkerHost({ definitions, bus, store, runTask: idleRunner, logger: quietLogger, trust: benchTrust });
  await second.start();
  const restoreMs = performance.now() - start;
  if (second.size !== count) throw new Error(`restored ${second.size} of ${count} coworkers`);
  await second.stop();
  await bus.close();
  return { seededMs, restoreMs };
}
