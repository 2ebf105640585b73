// Connections to the servers of the distributed mode, failing fast with a clear message.
import { AuthorizationError, connect, PermissionViolationError, type NatsConnection } from '@nats-io/transport-node';
import { MongoClient } from 'mongodb';
import type { Logger } from 'pino';
import { CoworkersError } from '../protocol/index.ts';
import type { Identity } from './identity.ts';

/** Connects as `identity` (its nkey, when it has one); a refused login or subject is said with the identity's name. */
export async function connectNats(url: string, logger: Logger, identity?: Pick<Identity, 'name' | 'authenticator'>): Promise<NatsConnection> {
  const who = identity?.name ?? 'anonymous';
  try {
    const connection = await connect({
      servers: url,
      name: `coworkers ${who}`,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 1_000,
      timeout: 5_000,
      // An async stack trace per request costs a quarter of the runtime's CPU under load.
      noAsyncTraces: true,
      ...(identity?.authenticator ? { authenticator: identity.authenticator } : {}),
    });
    void (async () => {
      for await (const status of connection.status()) {
        if (status.type === 'disconnect') logger.warn({ server: url }, 'NATS connection lost; reconnecting');
        if (status.type === 'reconnect') logger.info({ server: url }, 'NATS connection restored');
        // The server refuses a subject asynchronously; the operation that did it may not be waiting for an answer.
        if (status.type === 'error' && status.error instanceof PermissionViolationError) {
          const { operation, subject } = status.error;
          logger.error({ identity: who, operation, subject }, `NATS refused ${who} the ${operation === 'publish' ? 'publish to' : 'subscription to'} ${subject}: this identity may not use that subject`);
        }
      }
    })();
    return connection;
  } catch (error) {
    if (error instanceof AuthorizationError) {
      throw new CoworkersError('BUS_UNAVAILABLE', `The NATS server at ${url} refused to let ${who} in.`, {
        cause: error,
        hint: identity?.authenticator
          ? 'The seed in NATS_NKEY_FILE is not a user of the server\'s config: run nats-server with the nats-server.conf "coworkers nats-config" wrote beside that seed (and restart it after --rotate).'
          : 'This server wants an identity: set NATS_NKEY_FILE to the seed file "coworkers nats-config" wrote for this kind of process (runtime.nk, gateway.nk, operator.nk, connector-<name>.nk).',
      });
    }
    throw new CoworkersError('BUS_UNAVAILABLE', `Cannot reach the NATS server at ${url}.`, {
      retryable: true,
      cause: error,
      hint: 'Check that it runs and that NATS_URL is right (docker compose keeps NATS inside its network: docker compose run --rm runtime <command>).',
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
      hint: 'Check that it runs and that MONGODB_URI is right, with the user and password (docker compose keeps MongoDB inside its network).',
    });
  }
}
