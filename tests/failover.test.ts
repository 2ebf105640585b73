// Three runtime processes share 300 coworkers; one is SIGKILLed with work in flight. Every
// coworker ends up hosted by exactly one survivor, and every task's email is sent exactly once:
// the connector (in this process, outliving the kill) counts sends by idempotency key. Tasks go
// to every tenth coworker: FerretDB 1.x scans a collection for every query, so 300 agent runs at
// once take minutes here; the time to fail over is measured by `npm run bench`.
import { connect } from '@nats-io/transport-node';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { grantsFromStore, serveConnector } from '../connectors/index.ts';
import { assignTask } from '../gateway/index.ts';
import { readShardMap } from '../messaging/index.ts';
import { ALL_SHARDS, shardOf, subjects, type CoworkerEvent } from '../protocol/index.ts';
import { countingEmailConnector } from './email-connector.ts';
import { definitionYaml, uniqueName, waitFor, writeDefinitions } from './helpers.ts';
import { testIdentity } from './test-identity.ts';
import { connectAsTest, startRuntimeProcess, stopRuntimeProcess } from './runtime-processes.ts';

const COWORKERS = 300;
const logger = pino({ level: 'silent' });
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const ids = Array.from({ length: COWORKERS }, (_, index) => `cw${String(index).padStart(3, '0')}`);
const busy = ids.filter((_, index) => index % 10 === 0);

describe('three runtime processes, one SIGKILLed', () => {
  it('moves its coworkers to the survivors, each to exactly one, and sends no email twice', async () => {
    const definitions = Object.fromEntries(ids.map((id) => [id, `${definitionYaml(id)}tools: [email.send]\napproval:\n  autonomous: [email.send]\n`]));
    const identity = testIdentity();
    const env = { ...process.env, ...identity.env, COWORKERS_DIR: writeDefinitions(definitions), MONGODB_DB: uniqueName('failover'), COWORKERS_SUBJECT_PREFIX: `${uniqueName('failover')}.v1` };
    const { store, bus } = await connectAsTest(env, cleanups);
    const nats = await connect({ servers: process.env.NATS_URL! });
    cleanups.push(() => nats.close());
    const email = countingEmailConnector();
    const served = await serveConnector({ bus, connector: email.connector, documents: store.documents, grants: grantsFromStore(store), trust: identity.trust, logger });
    cleanups.push(() => served.stop());
    const finished = new Set<string>();
    await bus.subscribe(subjects.allEvents, (message) => {
      const event = message.data as CoworkerEvent;
      if (event.type === 'message' && event.text.includes('sent:') && event.taskId) finished.add(event.taskId);
    });

    const runtimes = [];
    for (let index = 0; index < 3; index++) runtimes.push(await startRuntimeProcess('tests/fixtures/agent-runtime.ts', env, cleanups));
    const map = () => readShardMap({ connection: nats, prefix: env.COWORKERS_SUBJECT_PREFIX });
    /** Each shard hosted by exactly one of `members` live processes. */
    const everyShardOnce = async (members: number) => {
      const announced = await map();
      const hosts = ALL_SHARDS.map((shard) => announced.filter((member) => member.shards.includes(shard)).length);
      return announced.length === members && announced.every((member) => member.shards.length > 0) && hosts.every((count) => count === 1) && announced;
    };
    const before = await waitFor(() => everyShardOnce(3), 'three processes to share the shards', 60_000);
    console.info(`failover: three processes share the shards (${before.map((member) => member.shards.length).join('/')})`);

    /** One task per coworker; resolves to their ids. */
    const send = async (round: string) => {
      const tasks = busy.map((coworkerId) => ({ id: `${round}-${coworkerId}`, coworkerId, text: `email about ${round}`, requestedBy: 'UMANAGER1' }));
      await Promise.all(tasks.map((task) => assignTask({ bus, store, now: Date.now }, task)));
      return tasks.map((task) => task.id);
    };
    const first = await send('one');
    await waitFor(async () => first.every((id) => finished.has(id)), 'the first round of tasks', 120_000);
    console.info('failover: first round done');

    // Kill the process hosting the first coworker while the second round is under way.
    const second = await send('two');
    const victimName = before.find((member) => member.shards.includes(shardOf(busy[0]!)))!.member;
    const victim = runtimes.find((runtime) => victimName.endsWith(`:${runtime.pid}`))!;
    await stopRuntimeProcess(victim, 'SIGKILL');
    const killedAt = Date.now();
    const after = await waitFor(() => everyShardOnce(2), 'the two survivors to host every shard', 60_000);
    console.info(`failover: every shard hosted by exactly one survivor ${Date.now() - killedAt} ms after the SIGKILL`);
    expect(after.map((member) => member.member)).not.toContain(victimName);

    await waitFor(async () => second.every((id) => finished.has(id)), 'the second round of tasks', 120_000);
    // One email per task, none twice.
    expect(email.sent.length).toBe(2 * busy.length);
    expect(new Set(email.sent).size).toBe(2 * busy.length);
    // Every coworker's state is stored by a survivor's lease after the kill.
    const records = await store.loadCoworkers();
    expect(records.filter((record) => ids.includes(record.id)).length).toBe(COWORKERS);
  }, 300_000);
});
