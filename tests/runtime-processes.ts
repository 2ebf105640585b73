// Runtime processes for tests that kill or stop them: started from a fixture under
// tests/fixtures/, ready once it prints "ready", and always killed when the test ends.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { connect } from '@nats-io/transport-node';
import { MongoClient } from 'mongodb';
import { pino } from 'pino';
import { createNatsBus, type Bus } from '../messaging/index.ts';
import { createMongoStore, type Store } from '../persistence/index.ts';

/**
 * Starts `fixture` (with `args`) and resolves once its output has `ready` (default "ready");
 * `cleanups` gets a kill for when the test ends, even a failed one.
 */
export function startRuntimeProcess(
  fixture: string,
  env: NodeJS.ProcessEnv,
  cleanups: Array<() => Promise<void>>,
  options: { args?: string[]; ready?: string } = {},
): Promise<ChildProcess & { output: () => string; errors: () => string }> {
  const ready = options.ready ?? 'ready';
  const child = spawn(process.execPath, [fixture, ...(options.args ?? [])], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  cleanups.push(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (stdout.includes(ready)) resolve(Object.assign(child, { output: () => stdout, errors: () => stderr }));
    });
    child.once('exit', (code) => reject(new Error(`runtime exited with ${code}: ${stderr}`)));
  });
}

/** Stops a runtime process with `signal` (SIGKILL: as a crash) and waits until it is gone. */
export async function stopRuntimeProcess(child: ChildProcess, signal: 'SIGKILL' | 'SIGTERM'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill(signal);
  await exited;
}

/** The test's own view of the deployment its runtime processes share: the store and the bus. */
export async function connectAsTest(env: NodeJS.ProcessEnv, cleanups: Array<() => Promise<void>>): Promise<{ store: Store; bus: Bus }> {
  const mongo = await new MongoClient(process.env.MONGODB_URI!).connect();
  const nats = await connect({ servers: process.env.NATS_URL! });
  cleanups.push(async () => {
    await mongo.db(env.MONGODB_DB).dropDatabase();
    await mongo.close();
    await nats.close();
  });
  const store = createMongoStore({ db: mongo.db(env.MONGODB_DB) });
  const bus = await createNatsBus({ connection: nats, prefix: env.COWORKERS_SUBJECT_PREFIX!, logger: pino({ level: 'silent' }) });
  return { store, bus };
}
