// One runtime process of the multi-process benchmark: hosts the shards whose leases it holds
// (NATS; FerretDB, or a SQLite file shared by the processes with BENCH_SQLITE), with the idle
// runner. Started by processes.bench.ts; prints "ready".
import { hostname } from 'node:os';
import { connect } from '@nats-io/transport-node';
import { MongoClient } from 'mongodb';
import { createCoworkerHost } from '../actors/index.ts';
import { createNatsBus, createShardLeases } from '../messaging/index.ts';
import { createMongoStore, createSqliteStore } from '../persistence/index.ts';
import { idleRunner, manyDefinitions, quietLogger, saturdayClock, benchTrust } from './fixtures.ts';

const { NATS_URL, MONGODB_URI, BENCH_DB, BENCH_PREFIX, BENCH_COWORKERS, BENCH_SQLITE } = process.env;
const connection = await connect({ servers: NATS_URL!, noAsyncTraces: true });
const mongo = await new MongoClient(MONGODB_URI!).connect();
const store = BENCH_SQLITE ? createSqliteStore({ path: BENCH_SQLITE }) : createMongoStore({ db: mongo.db(BENCH_DB!) });
const bus = await createNatsBus({ connection, prefix: BENCH_PREFIX!, logger: quietLogger });
const host = createCoworkerHost({ definitions: manyDefinitions(Number(BENCH_COWORKERS)), bus, store, runTask: idleRunner, logger: quietLogger, trust: benchTrust, clock: saturdayClock() });
const shards = createShardLeases({ connection, prefix: BENCH_PREFIX!, member: `${hostname()}:${process.pid}`, logger: quietLogger });
await shards.start({ acquire: (leases) => host.hostShards(leases), release: (released) => host.releaseShards(released) });
process.stdout.write('ready\n');
process.once('SIGTERM', () =>
  void (async () => {
    await shards.stop();
    await bus.close();
    await store.close();
    await connection.drain();
    await mongo.close();
    process.exit(0);
  })(),
);
