// `npm run bench`: every figure below is measured in this one run, on this machine, against
// the real servers at NATS_URL and MONGODB_URI (scripts/with-servers.ts starts them).
// BENCH_ONLY=approvals, BENCH_ONLY=console, BENCH_ONLY=processes or BENCH_ONLY=retention runs only those figures (the
// others are the slow part): BENCH_ONLY=console node scripts/with-servers.ts node bench/run.ts
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { connect } from '@nats-io/transport-node';
import { MemorySaver } from '@langchain/langgraph';
import { MongoClient } from 'mongodb';
import { createMemoryBus, createNatsBus } from '../messaging/index.ts';
import { createMongoStore, createSqliteStore } from '../persistence/index.ts';
import { distributedApprovalLoop, embeddedApprovalLoop } from './approval.bench.ts';
import { consoleFigures } from './console.bench.ts';
import { quietLogger } from './fixtures.ts';
import { heapPerIdleCoworker } from './heap.bench.ts';
import { langGraphCycleRate, mongoCheckpointer } from './langgraph.bench.ts';
import { processFigures } from './processes.bench.ts';
import { restoreTime } from './restore.bench.ts';
import { retentionFigures } from './retention.bench.ts';
import { commandRate, rawPublishRate } from './throughput.bench.ts';

const COWORKERS = Number(process.env.BENCH_COWORKERS ?? 10_000);
const COMMANDS = Number(process.env.BENCH_COMMANDS ?? 5_000);
const APPROVAL_CYCLES = Number(process.env.BENCH_APPROVAL_CYCLES ?? 300);
const APPROVAL_WARMUP = 20;
const RETENTION_COMMANDS = Number(process.env.BENCH_RETENTION_COMMANDS ?? 100_000);
const only = process.env.BENCH_ONLY;
const natsUrl = process.env.NATS_URL;
const mongoUri = process.env.MONGODB_URI;
if (!natsUrl || !mongoUri) throw new Error('NATS_URL and MONGODB_URI must be set: run "npm run bench", which starts the servers');
if (!only && !globalThis.gc) throw new Error('run with --expose-gc (npm run bench does)');

const line = (label: string, value: string, target: string) => console.log(`${label.padEnd(58)} ${value.padStart(14)}   ${target}`);
const suffix = randomBytes(4).toString('hex');
const ms = (value: number) => `${value.toFixed(1)} ms`;
console.log(`coworkers benchmarks: ${COWORKERS} coworkers, ${COMMANDS} commands, ${APPROVAL_CYCLES} approval cycles, Node ${process.version}\n`);

const mongo = await new MongoClient(mongoUri).connect();
if (!only) await hostFigures(natsUrl);
if (!only || only === 'approvals') await approvalFigures(natsUrl, mongoUri);
if (!only || only === 'processes') await processFiguresSideBySide(natsUrl, mongoUri);
if (!only || only === 'console') await consoleFiguresSideBySide();
if (!only || only === 'retention') await retentionFiguresPrinted();
await mongo.close();

/** Runtime processes sharing the coworkers by shard leases: throughput by process count, and failover. */
async function processFiguresSideBySide(natsUrl: string, mongoUri: string) {
  const coworkers = 300;
  console.log(`\nruntime processes sharing ${coworkers} coworkers (shard leases on NATS, FerretDB), ${COMMANDS} commands in from another connection`);
  const connection = await connect({ servers: natsUrl, noAsyncTraces: true });
  const options = { connection, db: (name: string) => mongo.db(name), natsUrl, mongoUri, coworkers, commands: COMMANDS };
  const ferret = await processFigures(options);
  const sqlite = await processFigures({ ...options, sqlite: true });
  await connection.close();
  const processes = (count: number) => `${count} runtime process${count > 1 ? 'es' : ''}`;
  for (const [count, rate] of ferret.rates) line(`commands/s, ${processes(count)}, FerretDB`, rate.toFixed(0), '');
  for (const [count, rate] of sqlite.rates) line(`commands/s, ${processes(count)}, one shared SQLite file`, rate.toFixed(0), '');
  line('ratio, 3 processes / 1: FerretDB; shared SQLite', `${(ferret.rates.get(3)! / ferret.rates.get(1)!).toFixed(2)}; ${(sqlite.rates.get(3)! / sqlite.rates.get(1)!).toFixed(2)}`, '');
  line('failover: SIGKILL one of 3 -> survivors host every shard', `${(ferret.failoverMs / 1000).toFixed(1)} s`, 'target <= 10 s');
}

/** The store's size after many commands and after one pruning pass (SQLite: FerretDB would take many minutes to write it). */
async function retentionFiguresPrinted() {
  const figures = await retentionFigures({ commands: RETENTION_COMMANDS, coworkers: 1_000 });
  console.log(`\nretention: ${figures.commands} commands to 1,000 coworkers (embedded, SQLite), each with an audit entry and an executed key; a pass keeping the last tenth`);
  const mb = (bytes: number) => `${(bytes / 1024 ** 2).toFixed(1)} MB`;
  line('commands/s while filling', figures.commandsPerSecond.toFixed(0), '');
  line('store file, after the commands / after pruning', `${mb(figures.before.bytes)} / ${mb(figures.after.bytes)}`, 'SQLite reuses freed pages, never shrinks');
  line('pages in use, after the commands / after pruning', `${mb(figures.before.usedBytes)} / ${mb(figures.after.usedBytes)}`, `ratio ${(figures.after.usedBytes / figures.before.usedBytes).toFixed(2)}`);
  for (const table of Object.keys(figures.before.rows).sort()) {
    const before = figures.before.rows[table] ?? 0;
    const after = figures.after.rows[table] ?? 0;
    line(`  rows: ${table}`, `${before} / ${after}`, before ? `ratio ${(after / before).toFixed(2)}` : '');
  }
  line('pruning pass', `${(figures.pruneMs / 1000).toFixed(2)} s`, '');
}

/** The console's crew view with the examples' size of crew and with a big one, in one run. */
async function consoleFiguresSideBySide() {
  console.log('\nconsole, in headless Chromium: crew view load (navigation to every row shown), filter keystroke to next frame');
  const small = await consoleFigures(3);
  const big = await consoleFigures(1_000);
  for (const figures of [small, big]) {
    const label = `${figures.coworkers} coworkers`;
    line(`crew view load, ${label} (median of 5)`, ms(figures.crewLoadMs), figures.coworkers === 1_000 ? 'target: no freeze' : '');
    line(`crew filter keystroke p50 / max, ${label}`, `${figures.filterP50Ms.toFixed(1)} / ${figures.filterMaxMs.toFixed(1)} ms`, figures.coworkers === 1_000 ? 'one frame is 16.7 ms' : '');
    line(`GET /api/crew size, ${label}`, `${figures.crewJsonKB.toFixed(0)} KB`, '');
  }
  line('ratio, crew view load 1,000 / 3 coworkers', (big.crewLoadMs / small.crewLoadMs).toFixed(1), '');
}

/** The actor host: memory, restore time, command throughput. */
async function hostFigures(natsUrl: string) {
  const heap = await heapPerIdleCoworker(COWORKERS);
  line('heap per idle coworker (actor and host state)', `${(heap.perCoworker / 1024).toFixed(2)} KB`, 'target <= 10 KB');
  line('  plus its parsed definition', `${(heap.definitionEach / 1024).toFixed(2)} KB`, '');

  const dir = mkdtempSync(join(tmpdir(), 'coworkers-bench-'));
  const sqlite = createSqliteStore({ path: join(dir, 'bench.db') });
  const sqliteRestore = await restoreTime(sqlite, COWORKERS);
  await sqlite.close();
  rmSync(dir, { recursive: true, force: true });
  line(`restore ${COWORKERS} coworkers from SQLite`, `${(sqliteRestore.restoreMs / 1000).toFixed(2)} s`, `target <= 2 s (first start: ${(sqliteRestore.seededMs / 1000).toFixed(1)} s)`);

  const restoreDb = mongo.db(`bench_restore_${suffix}`);
  const mongoRestore = await restoreTime(createMongoStore({ db: restoreDb }), COWORKERS);
  await restoreDb.dropDatabase();
  line(`restore ${COWORKERS} coworkers from MongoDB wire (FerretDB)`, `${(mongoRestore.restoreMs / 1000).toFixed(2)} s`, `target <= 2 s (first start: ${(mongoRestore.seededMs / 1000).toFixed(1)} s)`);

  const embeddedDir = mkdtempSync(join(tmpdir(), 'coworkers-bench-'));
  const embeddedStore = createSqliteStore({ path: join(embeddedDir, 'bench.db') });
  const embeddedBus = createMemoryBus();
  const embedded = await commandRate({ bus: embeddedBus, sender: embeddedBus, store: embeddedStore, coworkers: 100, commands: COMMANDS, window: 500 });
  await embeddedBus.close();
  await embeddedStore.close();
  rmSync(embeddedDir, { recursive: true, force: true });
  line('commands/s, embedded (in-process bus, SQLite file)', embedded.toFixed(0), '');

  // The runtime has its own connection; commands come in on another, as from a gateway or the CLI.
  // As cli/connections.ts: no async stack trace per request.
  const connection = await connect({ servers: natsUrl, noAsyncTraces: true });
  const senderConnection = await connect({ servers: natsUrl, noAsyncTraces: true });
  const throughputDb = mongo.db(`bench_throughput_${suffix}`);
  const bus = await createNatsBus({ connection, prefix: `bench_${suffix}.v1`, logger: quietLogger });
  const sender = await createNatsBus({ connection: senderConnection, prefix: `bench_${suffix}.v1`, logger: quietLogger });
  const rate = await commandRate({ bus, sender, store: createMongoStore({ db: throughputDb }), coworkers: 100, commands: COMMANDS, window: 500 });
  await throughputDb.dropDatabase();
  // The same path with the SQLite store: what the runtime and JetStream do without FerretDB.
  const natsSqliteDir = mkdtempSync(join(tmpdir(), 'coworkers-bench-'));
  const natsSqliteStore = createSqliteStore({ path: join(natsSqliteDir, 'bench.db') });
  const natsSqliteBus = await createNatsBus({ connection, prefix: `bench_${suffix}_sqlite.v1`, logger: quietLogger });
  const natsSqliteSender = await createNatsBus({ connection: senderConnection, prefix: `bench_${suffix}_sqlite.v1`, logger: quietLogger });
  const natsSqlite = await commandRate({ bus: natsSqliteBus, sender: natsSqliteSender, store: natsSqliteStore, coworkers: 100, commands: COMMANDS, window: 500 });
  await natsSqliteBus.close();
  await natsSqliteSender.close();
  await natsSqliteStore.close();
  rmSync(natsSqliteDir, { recursive: true, force: true });
  const raw = await rawPublishRate(sender, COMMANDS, 500);
  await bus.close();
  await sender.close();
  line('commands/s, distributed (JetStream in, FerretDB, JetStream out)', rate.toFixed(0), '');
  line('commands/s, JetStream in and out with the SQLite store', natsSqlite.toFixed(0), '');
  line('JetStream publish-with-ack/s, same server, same window', raw.toFixed(0), '');
  line('ratio, distributed with FerretDB', (rate / raw).toFixed(2), 'target >= 0.5');
  line('ratio, JetStream with the SQLite store', (natsSqlite / raw).toFixed(2), 'target >= 0.5');

  await connection.close();
  await senderConnection.close();
}

/**
 * The work loop's approvals: one decision's round trip, and whole cycles against LangGraph.js's.
 * Each comparison runs right after the figure it compares with, under the same load.
 */
async function approvalFigures(natsUrl: string, mongoUri: string) {
  const loop = { cycles: APPROVAL_CYCLES, warmup: APPROVAL_WARMUP };
  console.log(`\napprovals, ${loop.cycles} cycles one after another (after ${loop.warmup} to warm up)`);
  console.log('round trip: approval.decide published -> the audit event tool.executed received (connector ran, event out)');
  console.log('cycle: ours assign -> approval.requested -> decide -> executed -> run done; LangGraph start -> interrupt -> resume -> executed -> end');
  const embedded = await embeddedApprovalLoop(loop);
  line('approval round trip p50, embedded (in-process bus, SQLite)', ms(embedded.roundTripP50Ms), '');
  line('approval round trip p99, embedded', ms(embedded.roundTripP99Ms), 'target <= 50 ms');
  const inMemory = await langGraphCycleRate(new MemorySaver(), { ...loop, threadPrefix: suffix });
  line('approval cycles/s, ours embedded (in-process bus, SQLite)', embedded.cyclesPerSecond.toFixed(1), '');
  line('approval cycles/s, LangGraph.js + MemorySaver (no store)', inMemory.toFixed(1), '');
  line('ratio, ours embedded / LangGraph in memory', (embedded.cyclesPerSecond / inMemory).toFixed(1), '');

  const approvalsDb = `bench_approvals_${suffix}`;
  const distributed = await distributedApprovalLoop({ ...loop, natsUrl, mongoUri, dbName: approvalsDb, subjectPrefix: `bench_${suffix}_approvals.v1` });
  await mongo.db(approvalsDb).dropDatabase();
  line('approval round trip p50, distributed (JetStream, FerretDB)', ms(distributed.roundTripP50Ms), '');
  line('approval round trip p99, distributed', ms(distributed.roundTripP99Ms), 'target <= 50 ms');
  // LangGraph's MongoDB checkpointer filters on thread_id, which FerretDB 1.x answers with a scan
  // of the whole collection (explain: filterPushdown false), so its cycles slow as threads accumulate.
  const langGraphDb = `bench_langgraph_${suffix}`;
  const onMongo = await langGraphCycleRate(await mongoCheckpointer(mongo, langGraphDb), { ...loop, threadPrefix: suffix });
  await mongo.db(langGraphDb).dropDatabase();
  line('approval cycles/s, ours distributed (JetStream, FerretDB)', distributed.cyclesPerSecond.toFixed(1), '');
  line('approval cycles/s, LangGraph.js + MongoDBSaver on FerretDB', onMongo.toFixed(1), '');
  line('ratio, ours / LangGraph on the same MongoDB-wire server', (distributed.cyclesPerSecond / onMongo).toFixed(1), 'target >= 5');
}
