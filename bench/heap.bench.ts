// Heap per idle coworker: 10,000 coworkers hosted in one process.
import { createCoworkerHost } from '../actors/index.ts';
import { createMemoryBus } from '../messaging/index.ts';
import { createSqliteStore } from '../persistence/index.ts';
import { heapUsed, idleRunner, manyDefinitions, quietLogger, benchTrust } from './fixtures.ts';

export async function heapPerIdleCoworker(count: number) {
  const before = heapUsed();
  const definitions = manyDefinitions(count);
  const withDefinitions = heapUsed();
  const store = createSqliteStore({ path: ':memory:' });
  const bus = createMemoryBus();
  const host = createCoworkerHost({ definitions, bus, store, runTask: idleRunner, logger: quietLogger, trust: benchTrust });
  await host.start();
  const after = heapUsed();
  await host.stop();
  await bus.close();
  await store.close();
  return { perCoworker: (after - withDefinitions) / count, definitionEach: (withDefinitions - before) / count };
}
