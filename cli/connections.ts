// Connections to the servers of the distributed mode, failing fast with a clear message.
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { MongoClient } from 'mongodb';
import type { Logger } from 'pino';
import { CoworkersError } from '../protocol/index.ts';

export async function connectNats(url: string, logger: Logger): Promise<NatsConnection> {
  try {
    const connection = await connect({
      servers: url,
      name: 'coworkers',
      maxReconnectAttempts: -1,
      reconnectTimeWait: 1_000,
      timeout: 5_000,
      // An async stack trace per request costs a quarter of the runtime's CPU under load.
      noAsyncTraces: true,
    });
    void (async () => {
      for await (const status of connection.status()) {
        if (status.type === 'disconnect') logger.warn({ server: url }, 'NATS connection lost; reconnecting');
        if (status.type === 'reconnect') logger.info({ server: url }, 'NATS connection restored');
      }
    })();
    return connection;
  } catch (error) {
    throw new CoworkersError('BUS_UNAVAILABLE', `Cannot reach the NATS server at ${url}.`, {
      retryable: true,
      cause: error,
      hint: 'Check that it runs (docker compose up -d nats) and that NATS_URL is right.',
    });
  }
}

export async function connectMongo(uri: string): Promise<MongoClient> {
  const client = new MongoClient(uri, { serverSelectionTimeoutMS: 5_000, appName: 'coworkers' });
  try {
    await client.connect();
    await client.db('admin').command({ ping: 1 });
    return client;
  } catch (error) {
    await client.close().catch(() => {});
    throw new CoworkersError('STORE_UNAVAILABLE', `Cannot reach the MongoDB server at ${uri.replace(/\/\/[^@/]*@/, '//***@')}.`, {
      retryable: true,
      cause: error,
      hint: 'Check that it runs (docker compose up -d mongo) and that MONGODB_URI is right.',
    });
  }
}
