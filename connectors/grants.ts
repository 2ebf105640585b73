// The connector's own view of who may call what: the tools granted in each coworker's definition
// as registered in the store. Cached briefly so a burst of calls costs one read per coworker.
import type { Store } from '../persistence/index.ts';
import type { GrantLookup } from './serve-connector.ts';

const CACHE_MS = 2_000;

export function grantsFromStore(store: Pick<Store, 'getCoworker'>, now: () => number = Date.now): GrantLookup {
  const cache = new Map<string, { at: number; tools: readonly string[] | null }>();
  return async (coworkerId) => {
    const cached = cache.get(coworkerId);
    if (cached && now() - cached.at < CACHE_MS) return cached.tools;
    const record = await store.getCoworker(coworkerId);
    const tools = record ? record.definition.tools : null;
    cache.set(coworkerId, { at: now(), tools });
    return tools;
  };
}
