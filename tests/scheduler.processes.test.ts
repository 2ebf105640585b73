// Three distributed runtimes fire the same every-second job. Each publishes every fire, yet each
// scheduled second is stored on the bus once and becomes one task run, on the leading runtime.
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { connect } from '@nats-io/transport-node';
import { MongoClient } from 'mongodb';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNatsBus } from '../messaging/index.ts';
import { subjects, type Command } from '../protocol/index.ts';
import { startRuntimeProcess, stopRuntimeProcess } from './runtime-processes.ts';
import { definitionYaml, uniqueName, writeDefinitions } from './helpers.ts';

const RUN_MS = 20_000;
const RUNTIMES = 3;
/** The bus has handed over every stored command once nothing new came for this long. */
const QUIET_MS = 1_000;

const cleanups: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const startRuntime = (env: NodeJS.ProcessEnv) => startRuntimeProcess('tests/fixtures/scheduler-runtime.ts', env, cleanups);


/** Every command stored for sam on `cmd.task.<shard>.sam`, read by a durable consumer of the test's own. */
async function storedCommandIds(prefix: string): Promise<string[]> {
  const connection = await connect({ servers: process.env.NATS_URL });
  const bus = await createNatsBus({ connection, prefix, logger: pino({ level: 'silent' }) });
  try {
    const ids: string[] = [];
    let lastArrival = Date.now();
    const subscription = await bus.consume(
      subjects.command('task', 'sam'),
      async (message) => {
        ids.push((message.data as Command).id);
        lastArrival = Date.now();
      },
      { durable: 'observer' },
    );
    while (Date.now() - lastArrival < QUIET_MS) await sleep(100);
    await subscription.stop();
    return ids;
  } finally {
    await bus.close();
    await connection.close();
  }
}

/** Asserts the ids are `schedule:sam:tick:<T>`, each once, with T on consecutive seconds. */
function expectEverySecondOnce(ids: string[]): void {
  expect(ids.filter((id, index) => ids.indexOf(id) !== index)).toEqual([]);
  expect(ids.filter((id) => !/^schedule:sam:tick:\d+000$/.test(id))).toEqual([]);
  const seconds = ids.map((id) => Number(id.split(':').at(-1)) / 1_000).sort((a, b) => a - b);
  const first = seconds[0] ?? 0;
  expect(seconds.map((second) => second - first)).toEqual(seconds.map((_, index) => index));
  expect(seconds.length).toBeGreaterThanOrEqual(15);
}

const everySecond = `${definitionYaml('sam')}jobs:
  - id: tick
    instructions: Say what time it is
    schedule: "* * * * * *"
    outsideWorkingHours: true
`;

describe('an every-second job on three runtimes', () => {
  let commandIds: string[];
  let runIds: string[];

  beforeAll(async () => {
    const tasksLog = join(mkdtempSync(join(tmpdir(), 'coworkers-tasks-')), 'tasks.log');
    const env = {
      ...process.env,
      COWORKERS_DIR: writeDefinitions({ sam: everySecond }),
      MONGODB_DB: uniqueName('schedule'),
      COWORKERS_SUBJECT_PREFIX: `${uniqueName('schedule')}.v1`,
      TASKS_LOG: tasksLog,
    };
    const mongo = await new MongoClient(process.env.MONGODB_URI!).connect();
    cleanups.push(async () => {
      await mongo.db(env.MONGODB_DB).dropDatabase();
      await mongo.close();
    });

    const runtimes = await Promise.all(Array.from({ length: RUNTIMES }, () => startRuntime(env)));
    await sleep(RUN_MS);
    await Promise.all(runtimes.map((runtime) => stopRuntimeProcess(runtime, 'SIGTERM')));

    commandIds = await storedCommandIds(env.COWORKERS_SUBJECT_PREFIX);
    runIds = existsSync(tasksLog) ? readFileSync(tasksLog, 'utf8').trim().split('\n') : [];
  }, 60_000);

  it('stores each scheduled second on the bus once, though every runtime publishes it', () => {
    expectEverySecondOnce(commandIds);
  });

  // One runtime leads and hosts the coworker; the other two stand by, and still publish each fire.
  it('runs each scheduled second once', () => {
    expectEverySecondOnce(runIds);
  });
});
