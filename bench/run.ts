// `npm run bench`: every figure below is measured in this one run, on this machine, against
// the real servers at NATS_URL and MONGODB_URI (scripts/with-servers.ts starts them).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { connect } from '@nats-io/transport-node';
import { MongoClient } from 'mongodb';
import { createMemoryBus, createNatsBus } from '../messaging/index.ts';
import { createMongoStore, createSqliteStore } from '../persistence/index.ts';
import { quietLogger } from './fixtures.ts';
import { heapPerIdleCoworker } from './heap.bench.ts';
import { restoreTime } from './restore.bench.ts';
import { commandRate, rawPublishRate } from './throughput.bench.ts';

const COWORKERS = Number(process.env.BENCH_COWORKERS ?? 10_000);
const COMMANDS = Number(process.env.BENCH_COMMANDS ?? 5_000);
const natsUrl = process.env.NATS_URL;
const mongoUri = process.env.MONGODB_URI;
if (!natsUrl || !mongoUri) throw new Error('NATS_URL and MONGODB_URI must be set: run "npm run bench", which starts the servers');
if (!globalThis.gc) throw new Error('run with --expose-gc (npm run bench does)');

const line = (label: string, value: string, target: string) => console.log(`${label.padEnd(58)} ${value.padStart(14)}   ${target}`);
const suffix = randomBytes(4).toString('hex');
console.log(`coworkers benchmarks: ${COWORKERS} coworkers, ${COMMANDS} commands, Node ${process.version}\n`);

const heap = await heapPerIdleCoworker(COWORKERS);
line('heap per idle coworker (actor and host state)', `${(heap.perCoworker / 1024).toFixed(2)} KB`, 'target <= 10 KB');
line('  plus its parsed definition', `${(heap.definitionEach / 1024).toFixed(2)} KB`, '');

const dir = mkdtempSync(join(tmpdir(), 'coworkers-bench-'));
const sqlite = createSqliteStore({ path: join(dir, 'bench.db') });
const sqliteRestore = await restoreTime(sqlite, COWORKERS);
await sqlite.close();
rmSync(dir, { recursive: true, force: true });
line(`restore ${COWORKERS} coworkers from SQLite`, `${(sqliteRestore.restoreMs / 1000).toFixed(2)} s`, `target <= 2 s (first start: ${(sqliteRestore.seededMs / 1000).toFixed(1)} s)`);

const mongo = await new MongoClient(mongoUri).connect();
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
await mongo.close();
