// The composition root: wires definitions, a bus, a store and a task runner into a running host,
// in the embedded mode (one process, in-process bus, SQLite) or the distributed one (NATS, MongoDB).
import { mkdirSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { Logger } from 'pino';
import {
  createAuditRecorder,
  createCoworkerHost,
  createHandoffRelay,
  createPruner,
  createScheduler,
  createTriggerRouter,
  systemClock,
  type CoworkerHost,
  type TaskRunner,
} from '../actors/index.ts';
import { grantsFromStore, serveConnector, type Connector } from '../connectors/index.ts';
import { definitionsInvalidError, loadDefinitions, loadRetention, type Retention } from '../definitions/index.ts';
import { startControlServer } from '../gateway/index.ts';
import { createMemoryBus, createNatsBus, createShardLeases, type Bus, type ShardLeases } from '../messaging/index.ts';
import { createMongoStore, createSqliteStore, type Documents, type Store } from '../persistence/index.ts';
import { withAssignments, type CoworkerDefinition, type Signer, type ToolSpec } from '../protocol/index.ts';
import type { Scrubber } from '../protocol/scrubber.ts';
import { connectMongo, connectNats } from './connections.ts';
import type { Identity } from './identity.ts';

export interface Runtime {
  host: CoworkerHost;
  bus: Bus;
  store: Store;
  definitions: CoworkerDefinition[];
  /** Who the process is: embedded, the key the CLI's acts and the console's decisions are signed with too. */
  identity: Identity;
  close(): Promise<void>;
}

async function definitionsIn(dir: string): Promise<CoworkerDefinition[]> {
  const { definitions, problems } = await loadDefinitions(dir);
  if (problems.length > 0) throw definitionsInvalidError(problems);
  return definitions.map((entry) => entry.definition);
}

/** `retention.yaml` beside the definitions, or the defaults; a problem in it stops the start like a definition's. */
async function retentionIn(dir: string): Promise<Retention> {
  const { retention, problems } = await loadRetention(dir);
  if (!retention) throw definitionsInvalidError(problems);
  return retention;
}

/** The tools of a deployment: the connectors this process serves, and every tool the model is offered. */
export interface Toolbox {
  served: Connector[];
  /** Tools served here and elsewhere (`coworkers connector <name>` processes, the Slack gateway). */
  tools: ToolSpec[];
  close(): Promise<void>;
}

/** What does the work, in either mode. */
export interface WorkOptions {
  /** Builds the toolbox once the store exists: connectors keep their data (CRM, executed keys) in it. */
  toolbox?: (documents: Documents) => Promise<Toolbox>;
  /**
   * Builds the task runner once the bus exists (the agent runner calls tools over it, signing
   * their grants with `signer`, and looks handoff receivers up in the store).
   */
  createRunner: (bus: Bus, tools: ToolSpec[], store: Store, signer: Signer) => TaskRunner;
  /**
   * Who this process is (loadIdentity): its key signs tool grants, handoffs and, embedded, the
   * CLI's acts; its trust says whose grants its connectors take. Distributed, its NATS login too.
   */
  identity: Identity;
  logger: Logger;
  /** Replaces the secrets the process knows in what it stores: snapshots and events, the audit trail, tool results. */
  scrubber?: Scrubber;
}

interface HostOptions extends WorkOptions {
  definitions: CoworkerDefinition[];
  retention: Retention;
  bus: Bus;
  store: Store;
  /** With several runtimes, each hosts the shards whose leases it holds; without, this process hosts them all. */
  shards?: ShardLeases;
}

/** A granted tool the runner knows no connector for is refused at every call: say so once, at start. */
function warnAboutUnknownTools(definitions: CoworkerDefinition[], tools: ToolSpec[], logger: Logger): void {
  const offered = new Set(tools.map((spec) => spec.name));
  for (const definition of definitions) {
    const missing = definition.tools.filter((tool) => !offered.has(tool));
    if (missing.length > 0) {
      logger.warn({ coworker: definition.id, tools: missing, offered: [...offered] }, 'granted tools that no connector offers: calls to them are refused until one does');
    }
  }
}

/** Starts the connectors, the audit recorder and the host; closing stops them and the bus, then `release` closes what the mode opened. */
async function startHost(options: HostOptions, release: () => Promise<void>): Promise<Runtime> {
  const { bus, store, logger } = options;
  const scrubbing = options.scrubber ? { scrubber: options.scrubber } : {};
  // Teams and managers assigned live (`coworkers assign`) outlast a restart, unless the YAML changed since.
  const definitions = await withAssignments(options.definitions, store.documents);
  const toolbox = options.toolbox
    ? await options.toolbox(store.documents).catch(async (error: unknown) => {
        await bus.close();
        await release();
        throw error;
      })
    : { served: [], tools: [], close: async () => {} };
  if (options.toolbox) warnAboutUnknownTools(definitions, toolbox.tools, logger);
  const grants = grantsFromStore(store);
  const { signer, trust } = options.identity;
  const served = await Promise.all(toolbox.served.map((connector) => serveConnector({ bus, connector, documents: store.documents, grants, trust, logger, ...scrubbing })));
  const recorder = createAuditRecorder({ bus, store, logger, ...scrubbing });
  await recorder.start();
  const handoffs = createHandoffRelay({ bus, logger, signer });
  await handoffs.start();
  const host = createCoworkerHost({ definitions, bus, store, logger, trust, ...scrubbing, runTask: options.createRunner(bus, toolbox.tools, store, signer) });
  const { shards } = options;
  if (shards) await shards.start({ acquire: (leases) => host.hostShards(leases), release: (released) => host.releaseShards(released) });
  else await host.start();
  // Every runtime runs both: fires and routed events carry deterministic task ids, so repeats are dropped.
  const scheduler = createScheduler({ definitions, bus, store, logger, clock: systemClock, runtimeId: runtimeId() });
  const triggers = createTriggerRouter({ definitions, bus, logger });
  await scheduler.start();
  await triggers.start();
  // One runtime prunes: the holder of shard 0's lease (a KV entry only one process holds at a time).
  const pruner = createPruner({ store, retention: options.retention, clock: systemClock, logger, isPruner: shards ? () => shards.held().some((lease) => lease.shard === 0) : () => true });
  pruner.start();
  return {
    host,
    bus,
    store,
    definitions,
    identity: options.identity,
    async close() {
      await pruner.stop();
      await triggers.stop();
      await scheduler.stop();
      await handoffs.stop();
      if (shards) await shards.stop();
      else await host.stop();
      await recorder.stop();
      await Promise.all(served.map((subscription) => subscription.stop()));
      await toolbox.close();
      await bus.close();
      await release();
    },
  };
}

function runtimeId(): string {
  return `${hostname()}:${process.pid}`;
}

/** Where an embedded runtime keeps its data and its control socket. */
export function embeddedPaths(dataDir: string) {
  return { database: join(dataDir, 'coworkers.db'), socket: join(dataDir, 'control.sock') };
}

export async function startEmbedded(options: WorkOptions & { dir: string; dataDir: string }): Promise<Runtime> {
  const definitions = await definitionsIn(options.dir);
  const retention = await retentionIn(options.dir);
  mkdirSync(options.dataDir, { recursive: true });
  const paths = embeddedPaths(options.dataDir);
  const store = createSqliteStore({ path: paths.database });
  const bus = createMemoryBus();
  // The socket first: it refuses to start a second `up` on the same data before anything writes.
  const control = await startControlServer({ socketPath: paths.socket, bus, store, logger: options.logger, signer: options.identity.signer }).catch(async (error: unknown) => {
    await store.close();
    throw error;
  });
  return startHost({ ...options, definitions, retention, bus, store }, async () => {
    await control.close();
    await store.close();
  });
}

export interface DistributedOptions extends WorkOptions {
  dir: string;
  natsUrl: string;
  mongoUri: string;
  dbName: string;
  subjectPrefix?: string;
  /** The JetStream stream's size limit (COWORKERS_STREAM_MAX_BYTES); none when absent. */
  streamMaxBytes?: number;
}

export async function startDistributed(options: DistributedOptions): Promise<Runtime> {
  const definitions = await definitionsIn(options.dir);
  const retention = await retentionIn(options.dir);
  const { logger } = options;
  const connection = await connectNats(options.natsUrl, logger, options.identity);
  const mongo = await connectMongo(options.mongoUri).catch(async (error: unknown) => {
    await connection.close();
    throw error;
  });
  const store = createMongoStore({ db: mongo.db(options.dbName) });
  const bus = await createNatsBus({
    connection,
    logger,
    ...(options.subjectPrefix ? { prefix: options.subjectPrefix } : {}),
    ...(options.streamMaxBytes ? { streamMaxBytes: options.streamMaxBytes } : {}),
  });
  const shards = createShardLeases({ connection, member: runtimeId(), logger, ...(options.subjectPrefix ? { prefix: options.subjectPrefix } : {}) });
  return startHost({ ...options, definitions, retention, bus, store, shards }, async () => {
    await store.close();
    await connection.drain();
    await mongo.close();
  });
}
