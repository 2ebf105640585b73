// The bus contract against the in-process adapter (embedded mode).
import { describeBusContract } from './bus.contract.ts';
import { createMemoryBus } from './memory.bus.ts';

describeBusContract('the in-process bus', async () => {
  const bus = createMemoryBus({ prefix: `test_${crypto.randomUUID().slice(0, 8)}.v1` });
  return { bus, cleanup: () => bus.close() };
});
