// `coworkers connector <name>` and `coworkers tools`: one configured connector served as a
// process of its own, and the listing of every tool the deployment offers.
import type { Logger } from 'pino';
import { definitionsInvalidError, loadDefinitions } from '../definitions/index.ts';
import type { Bus } from '../messaging/index.ts';
import { createSqliteStore, type Store } from '../persistence/index.ts';
import { grantsFromStore, serveConnector } from '../connectors/index.ts';
import type { TrustedKeys } from '../protocol/index.ts';
import type { Scrubber } from '../protocol/scrubber.ts';
import { listTools } from './tool-listing.ts';
import { createConfigured, createConnectorSet } from './toolbox.ts';

export interface OneConnectorOptions {
  name: string;
  dir: string;
  dataDir: string;
  bus: Bus;
  store: Store;
  /** The runtimes whose signed grants the connector takes. */
  trust: Pick<TrustedKeys, 'runtimes'>;
  logger: Logger;
  /** Replaces the secrets the process knows in each result before it is stored or answered. */
  scrubber?: Scrubber;
}

export async function serveOneConnector(options: OneConnectorOptions): Promise<{ tools: string[]; close(): Promise<void> }> {
  const { bus, store, trust, logger } = options;
  const built = await createConfigured({ dir: options.dir, dataDir: options.dataDir, documents: store.documents, env: process.env, logger, only: options.name });
  const grants = grantsFromStore(store);
  const served = await Promise.all(built.connectors.map((connector) => serveConnector({ bus, connector, documents: store.documents, grants, trust, logger, ...(options.scrubber ? { scrubber: options.scrubber } : {}) }))).catch(async (error: unknown) => {
    await built.close();
    throw error;
  });
  return {
    tools: built.connectors.flatMap((connector) => connector.specs.map((spec) => spec.name)),
    async close() {
      await Promise.all(served.map((subscription) => subscription.stop()));
      await built.close();
    },
  };
}

/** Builds the connectors against a throwaway store (listing must not write to the real one). */
export async function toolListing(options: { dir: string; dataDir: string; logger: Logger }) {
  const { definitions, problems } = await loadDefinitions(options.dir);
  if (problems.length > 0) throw definitionsInvalidError(problems);
  const scratch = createSqliteStore({ path: ':memory:' });
  const set = await createConnectorSet({ ...options, documents: scratch.documents, env: process.env });
  try {
    const samples = new Set(set.samples);
    return listTools([...set.configured, ...set.samples], definitions.map((entry) => entry.definition), (connector) => samples.has(connector));
  } finally {
    await set.close();
    await scratch.close();
  }
}
