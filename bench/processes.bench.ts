// Commands per second with 1, 2 and 3 runtime processes sharing the coworkers (shard leases on
// NATS; snapshots in FerretDB, or in one SQLite file the processes share on this machine), and
// how long the survivors take to host everything after one of three is SIGKILLed.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Db } from 'mongodb';
import { createNatsBus, readShardMap } from '../messaging/index.ts';
import { ALL_SHARDS } from '../protocol/index.ts';
import { quietLogger } from './fixtures.ts';
import { commandsIn } from './throughput.bench.ts';

function startProcess(env: NodeJS.ProcessEnv): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['bench/runtime-process.ts'], { env, stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => chunk.toString().includes('ready') && resolve(child));
    child.once('exit', (code) => reject(new Error(`bench runtime exited with ${code}`)));
  });
}

/** Resolves once `members` processes announce every shard, each on exactly one. */
async function settled(connection: NatsConnection, prefix: string, members: number): Promise<void> {
  for (;;) {
    const map = await readShardMap({ connection, prefix }).catch(() => []);
    const hosts = ALL_SHARDS.map((shard) => map.filter((member) => member.shards.includes(shard)).length);
    if (map.length === members && map.every((member) => member.shards.length > 0) && hosts.every((count) => count === 1)) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

async function stop(child: ChildProcess, signal: 'SIGTERM' | 'SIGKILL'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill(signal);
  await exited;
}

export interface ProcessFigures {
  /** Commands per second by number of processes. */
  rates: Map<number, number>;
  /** From the SIGKILL of one of three until the two survivors announce every shard. */
  failoverMs: number;
}

export async function processFigures(options: {
  connection: NatsConnection;
  db: (name: string) => Db;
  natsUrl: string;
  mongoUri: string;
  coworkers: number;
  commands: number;
  /** One SQLite file shared by the processes instead of FerretDB. */
  sqlite?: boolean;
}): Promise<ProcessFigures> {
  const rates = new Map<number, number>();
  let failoverMs = 0;
  for (const count of [1, 2, 3]) {
    const suffix = randomBytes(4).toString('hex');
    const prefix = `bench_${suffix}_processes.v1`;
    const dbName = `bench_processes_${suffix}`;
    const sqliteDir = options.sqlite ? mkdtempSync(join(tmpdir(), 'coworkers-bench-')) : null;
    const env = {
      ...process.env,
      NATS_URL: options.natsUrl,
      MONGODB_URI: options.mongoUri,
      BENCH_DB: dbName,
      BENCH_PREFIX: prefix,
      BENCH_COWORKERS: String(options.coworkers),
      ...(sqliteDir ? { BENCH_SQLITE: join(sqliteDir, 'bench.db') } : {}),
    };
    const children: ChildProcess[] = [];
    try {
      for (let index = 0; index < count; index++) children.push(await startProcess(env));
      await settled(options.connection, prefix, count);
      const sender = await createNatsBus({ connection: options.connection, prefix, logger: quietLogger });
      rates.set(count, await commandsIn({ sender, coworkers: options.coworkers, commands: options.commands, window: 500 }));
      await sender.close();
      if (count === 3) {
        const killedAt = performance.now();
        await stop(children[0]!, 'SIGKILL');
        await settled(options.connection, prefix, 2);
        failoverMs = performance.now() - killedAt;
      }
    } finally {
      await Promise.all(children.map((child) => stop(child, 'SIGTERM')));
      await options.db(dbName).dropDatabase();
      if (sqliteDir) rmSync(sqliteDir, { recursive: true, force: true });
    }
  }
  return { rates, failoverMs };
}
