// The composition root: wires definitions, a bus, a store and a task runner into a running host,
// in the embedded mode (one process, in-process bus, SQLite) or the distributed one (NATS, MongoDB).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { createCoworkerHost, type CoworkerHost, type CoworkerHostOptions, type TaskRunner } from '../actors/index.ts';
import { definitionsInvalidError, loadDefinitions } from '../definitions/index.ts';
import { startControlServer } from '../gateway/index.ts';
import { createMemoryBus, createNatsBus, type Bus } from '../messaging/index.ts';
import { createMongoStore, createSqliteStore, type Store } from '../persistence/index.ts';
import type { CoworkerDefinition } from '../protocol/index.ts';
import { connectMongo, connectNats } from './connections.ts';

export interface Runtime {
  host: CoworkerHost;
  bus: Bus;
  store: Store;
  definitions: CoworkerDefinition[];
  close(): Promise<void>;
}

async function definitionsIn(dir: string): Promise<CoworkerDefinition[]> {
  const { definitions, problems } = await loadDefinitions(dir);
  if (problems.length > 0) throw definitionsInvalidError(problems);
  return definitions.map((entry) => entry.definition);
}

/** Starts the host; closing stops it and its bus, then `release` closes what the mode opened. */
async function startHost(options: CoworkerHostOptions, release: () => Promise<void>): Promise<Runtime> {
  const host = createCoworkerHost(options);
  await host.start();
  const { bus, store, definitions } = options;
  return {
    host,
    bus,
    store,
    definitions,
    async close() {
      await host.stop();
      await bus.close();
      await release();
    },
  };
}

/** Where an embedded runtime keeps its data and its control socket. */
export function embeddedPaths(dataDir: string) {
  return { database: join(dataDir, 'coworkers.db'), socket: join(dataDir, 'control.sock') };
}

export async function startEmbedded(options: { dir: string; dataDir: string; runTask: TaskRunner; logger: Logger }): Promise<Runtime> {
  const definitions = await definitionsIn(options.dir);
  mkdirSync(options.dataDir, { recursive: true });
  const paths = embeddedPaths(options.dataDir);
  const store = createSqliteStore({ path: paths.database });
  const bus = createMemoryBus();
  // The socket first: it refuses to start a second `up` on the same data before anything writes.
  const control = await startControlServer({ socketPath: paths.socket, bus, store, logger: options.logger }).catch(async (error: unknown) => {
    await store.close();
    throw error;
  });
  return startHost({ definitions, bus, store, runTask: options.runTask, logger: options.logger }, async () => {
    await control.close();
    await store.close();
  });
}

export interface DistributedOptions {
  dir: string;
  natsUrl: string;
  mongoUri: string;
  dbName: string;
  subjectPrefix?: string;
  runTask: TaskRunner;
  logger: Logger;
}

export async function startDistributed(options: DistributedOptions): Promise<Runtime> {
  const definitions = await definitionsIn(options.dir);
  const { logger } = options;
  const connection = await connectNats(options.natsUrl, logger);
  const mongo = await connectMongo(options.mongoUri).catch(async (error: unknown) => {
    await connection.close();
    throw error;
  });
  const store = createMongoStore({ db: mongo.db(options.dbName) });
  const bus = await createNatsBus({ connection, logger, ...(options.subjectPrefix ? { prefix: options.subjectPrefix } : {}) });
  return startHost({ definitions, bus, store, runTask: options.runTask, logger }, async () => {
    await store.close();
    await connection.drain();
    await mongo.close();
  });
}
