// `coworkers nats-config` against a real nats-server running the config it wrote: who gets in,
// and what each identity can and cannot do, through the v3 client and the project's own bus.
import { readFileSync, statSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '@nats-io/nkeys';
import { nkeyAuthenticator, type NatsConnection } from '@nats-io/transport-node';
import { jetstream, jetstreamManager, AckPolicy } from '@nats-io/jetstream';
import { MongoClient } from 'mongodb';
import { pino } from 'pino';
import { connectNats } from '../cli/connections.ts';
import { loadIdentity } from '../cli/identity.ts';
import { loadDefinitions } from '../definitions/index.ts';
import { createNatsBus, createShardLeases, readShardMap, streamNameFor, type Bus } from '../messaging/index.ts';
import { permissionDenied } from '../messaging/nats.refusals.ts';
import { createMongoStore } from '../persistence/index.ts';
import { isCoworkersError, shardOf, subjects } from '../protocol/index.ts';
import { startNatsWithConfig, type ConfiguredNats } from '../scripts/test-servers.ts';
import { cleanEnv, coworkers } from './cli-processes.ts';
import { uniqueName, waitFor } from './helpers.ts';

const quiet = pino({ level: 'silent' });
const out = mkdtempSync(join(tmpdir(), 'coworkers-nats-config-'));
let server: ConfiguredNats;
let prefix: string;
const open: Array<{ close(): Promise<void> }> = [];

function seedOf(role: string): Uint8Array {
  return new TextEncoder().encode(readFileSync(join(out, `${role}.nk`), 'utf8').trim());
}

async function connectAs(role: string): Promise<NatsConnection> {
  const connection = await connectNats(server.url, quiet, { name: role, authenticator: nkeyAuthenticator(seedOf(role)) });
  open.push(connection);
  return connection;
}

async function busAs(role: string, manageStream = false): Promise<{ bus: Bus; connection: NatsConnection }> {
  const connection = await connectAs(role);
  const bus = await createNatsBus({ connection, prefix, logger: quiet, manageStream });
  open.unshift(bus);
  return { bus, connection };
}

const commandSubject = (kind: string, coworker = 'sam') => `${prefix}.cmd.${kind}.${shardOf(coworker)}.${coworker}`;

/** A refused bus operation: PERMISSION_DENIED naming the subject, at once (no retries). */
async function expectDenied(attempt: Promise<unknown>, subject: string): Promise<void> {
  const error = await attempt.then(() => undefined, (caught: unknown) => caught);
  expect(isCoworkersError(error, 'PERMISSION_DENIED'), String(error)).toBe(true);
  expect((error as Error).message).toContain(subject);
}

/** A JetStream publish with the plain v3 client, as a third party would; its refusal turned into the bus's error. */
function jsPublish(connection: NatsConnection, subject: string): Promise<unknown> {
  return jetstream(connection)
    .publish(subject, '{}', { msgID: uniqueName('m') })
    .catch((error: unknown) => {
      throw permissionDenied(error) ?? error;
    });
}

beforeAll(async () => {
  const run = coworkers(['nats-config', '--out', out, '--dir', 'examples'], cleanEnv);
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  prefix = (JSON.parse(readFileSync(join(out, 'identities.json'), 'utf8')) as { prefix: string }).prefix;
  server = await startNatsWithConfig(out);
  // The stream exists before the roles that may only check it start, as a runtime makes it.
  await busAs('runtime', true);
});

afterAll(async () => {
  for (const part of open.splice(0)) await part.close().catch(() => {});
  await server?.stop();
});

describe('coworkers nats-config', () => {
  it('writes a seed per identity (0600), the server config and the public keys by role', () => {
    for (const role of ['runtime', 'gateway', 'operator', 'connector-crm', 'connector-email', 'connector-ads', 'connector-calendar']) {
      expect(statSync(join(out, `${role}.nk`)).mode & 0o777).toBe(0o600);
    }
    const identities = JSON.parse(readFileSync(join(out, 'identities.json'), 'utf8'));
    const key = (role: string) => loadIdentity({ NATS_NKEY_FILE: join(out, `${role}.nk`) }).signer.publicKey;
    expect(identities).toMatchObject({ runtimes: [key('runtime')], gateways: [key('gateway')], operators: [key('operator')], connectors: { crm: key('connector-crm') } });
    expect(readFileSync(join(out, 'nats-server.conf'), 'utf8')).toContain(`nkey: ${key('gateway')}`);
  });

  it('keeps the seeds when run again, and makes new ones only with --rotate', () => {
    const elsewhere = mkdtempSync(join(tmpdir(), 'coworkers-nats-config-'));
    expect(coworkers(['nats-config', '--out', elsewhere, '--dir', 'examples'], cleanEnv).code).toBe(0);
    const before = readFileSync(join(elsewhere, 'runtime.nk'), 'utf8');
    const again = coworkers(['nats-config', '--out', elsewhere, '--dir', 'examples'], cleanEnv);
    expect(again.stdout).toContain('Kept');
    expect(readFileSync(join(elsewhere, 'runtime.nk'), 'utf8')).toBe(before);
    expect(coworkers(['nats-config', '--out', elsewhere, '--dir', 'examples', '--rotate'], cleanEnv).code).toBe(0);
    expect(readFileSync(join(elsewhere, 'runtime.nk'), 'utf8')).not.toBe(before);
  });
});

describe('a nats-server running the generated config', () => {
  it('refuses a connection without credentials, or with a seed it does not list', async () => {
    const anonymous = await connectNats(server.url, quiet).then(() => undefined, (error: unknown) => error);
    expect(isCoworkersError(anonymous, 'BUS_UNAVAILABLE') && anonymous.message).toContain('refused to let anonymous in');
    const stranger = await connectNats(server.url, quiet, { name: 'stranger', authenticator: nkeyAuthenticator(createUser().getSeed()) }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(isCoworkersError(stranger) && stranger.hint).toContain('not a user of the server');
  });

  it('lets a runtime manage the stream, publish commands, events and dead letters with acks, and keep the shard leases', async () => {
    const { connection, bus } = await busAs('runtime', true);
    for (const subject of [commandSubject('task'), commandSubject('handoff'), `${prefix}.evt.sam.audit`, `${prefix}.dlq.malformed`]) {
      await expect(jsPublish(connection, subject)).resolves.toMatchObject({ stream: streamNameFor(prefix) });
    }
    await bus.consume(subjects.allTriggers, async () => {}, { durable: uniqueName('triggers') });
    const leases = createShardLeases({ connection, prefix, member: 'runtime-test', logger: quiet, ttlMs: 2_000 });
    await leases.start({ acquire: async () => {}, release: async () => {} });
    open.unshift({ close: () => leases.stop() });
    await waitFor(async () => leases.held().length === 32, 'the runtime to hold every shard');
    const operator = await connectAs('operator');
    await waitFor(async () => (await readShardMap({ connection: operator, prefix })).some((member) => member.member === 'runtime-test'), 'the operator to see the shard map');
    await expectDenied(jsPublish(connection, commandSubject('decision')), commandSubject('decision'));
    await expectDenied(jsPublish(connection, commandSubject('definition')), commandSubject('definition'));
  });

  it('lets a connector answer its own tool subject as a micro-service and publish its own triggers; a runtime calls it', async () => {
    const { bus } = await busAs('connector-crm');
    await bus.respond(subjects.tool('crm'), async () => ({ ok: true }), { service: { name: 'coworkers-crm', version: '0.1.0', description: 'test', metadata: {} } });
    const { bus: runtime } = await busAs('runtime');
    await expect(runtime.request(subjects.tool('crm'), { hello: 1 })).resolves.toBeDefined();
    await bus.publish(subjects.trigger('crm.deal.stale'), { id: 1 }, { msgId: uniqueName('trg') });
    // The operator's discovery (`nats micro ls`) reaches it too: the services library answers on $SRV.
    const ping = await (await connectAs('operator')).request('$SRV.PING.coworkers-crm', '', { timeout: 2_000 });
    expect(ping.json<{ name: string }>().name).toBe('coworkers-crm');
  });

  it("refuses a connector a task, a decision, a definition change, another connector's trigger, and the stream's config", async () => {
    const { connection, bus } = await busAs('connector-email');
    for (const kind of ['task', 'decision', 'definition']) await expectDenied(jsPublish(connection, commandSubject(kind)), commandSubject(kind));
    await expectDenied(bus.publish(subjects.trigger('crm.deal.stale'), {}, { msgId: uniqueName('t') }), `${prefix}.trg.crm.deal.stale`);
    await expectDenied(createNatsBus({ connection, prefix, logger: quiet, manageStream: true }), `$JS.API.STREAM`);
  });

  it('lets a gateway read events on its durable consumers, send its commands; never a tool call, an audit entry, a definition, or a runtime consumer', async () => {
    const { connection, bus } = await busAs('gateway');
    const seen: string[] = [];
    await bus.consume(subjects.event('*', 'message'), async (message) => void seen.push(message.subject), { durable: 'slack-messages' });
    const runtime = jetstream(await connectAs('runtime'));
    await runtime.publish(`${prefix}.evt.sam.message`, '{}', { msgID: uniqueName('e') });
    await waitFor(async () => seen.some((subject) => subject.endsWith('evt.sam.message')), 'the gateway to read the event');
    for (const kind of ['task', 'cancel', 'decision', 'answer', 'reassign', 'assign']) await jsPublish(connection, commandSubject(kind));
    await expectDenied(bus.request(subjects.tool('email'), {}), `${prefix}.tool.email`);
    await expectDenied(bus.publish('evt.sam.audit', {}, { msgId: uniqueName('a') }), `${prefix}.evt.sam.audit`);
    await expectDenied(jsPublish(connection, commandSubject('definition')), commandSubject('definition'));
    // Another durable name would let it take a runtime's shard commands, or refilter its consumer.
    const jsm = await jetstreamManager(connection);
    const takeOver = jsm.consumers.add(streamNameFor(prefix), { durable_name: 'runtime-3', filter_subject: `${prefix}.evt.>`, ack_policy: AckPolicy.Explicit });
    await expectDenied(takeOver.catch((error: unknown) => Promise.reject(permissionDenied(error) ?? error)), `$JS.API.CONSUMER.CREATE.${streamNameFor(prefix)}.runtime-3`);
    const readCommands = jsm.consumers.add(streamNameFor(prefix), { durable_name: 'slack-messages', filter_subject: `${prefix}.cmd.>`, ack_policy: AckPolicy.Explicit });
    await expectDenied(readCommands.catch((error: unknown) => Promise.reject(permissionDenied(error) ?? error)), '$JS.API.CONSUMER.CREATE');
  });

  it('lets the operator change a definition and read the dead letters; never write an event', async () => {
    const { connection, bus } = await busAs('operator');
    await jsPublish(connection, commandSubject('definition'));
    await jsPublish(connection, commandSubject('decision'));
    await expectDenied(bus.publish('evt.sam.audit', {}, { msgId: uniqueName('a') }), `${prefix}.evt.sam.audit`);
    const jsm = await jetstreamManager(connection);
    await expect(jsm.streams.getMessage(streamNameFor(prefix), { last_by_subj: `${prefix}.dlq.malformed` })).resolves.toBeDefined();
  });

  it('logs a refused subscription with the identity and the subject', async () => {
    const lines: string[] = [];
    const logger = pino({ level: 'error' }, new Writable({ write: (chunk, _encoding, done) => done(void lines.push(String(chunk))) }));
    const connection = await connectNats(server.url, logger, { name: 'connector-crm (test)', authenticator: nkeyAuthenticator(seedOf('connector-crm')) });
    open.push(connection);
    connection.subscribe(`${prefix}.tool.email`, { callback: () => {} });
    await waitFor(async () => lines.find((line) => line.includes(`${prefix}.tool.email`)), 'the refusal in the log');
    expect(lines.join('')).toContain('connector-crm (test)');
  });

  it('says in the CLI which identity was refused which subject, without a stack trace', async () => {
    const dbName = uniqueName('nats_config');
    const mongo = new MongoClient(process.env.MONGODB_URI!);
    try {
      const { definitions } = await loadDefinitions('examples');
      await createMongoStore({ db: mongo.db(dbName) }).registerCoworkers(definitions.map((entry) => entry.definition));
      const env = { ...process.env, NATS_URL: server.url, MONGODB_DB: dbName, LOG_LEVEL: 'warn' };
      // The CLI is the operator's: a command that writes may create the stream, which a connector may not.
      const asConnector = coworkers(['send', 'sam', 'Check the Acme deal'], { ...env, NATS_NKEY_FILE: join(out, 'connector-crm.nk') });
      expect(asConnector.code).toBe(1);
      expect(asConnector.stderr).toContain(`error: NATS refused to let this process publish to "$JS.API.STREAM.CREATE.${streamNameFor(prefix)}"`);
      expect(asConnector.stderr).toContain('identity: connector-crm (U');
      expect(asConnector.stderr).not.toMatch(/^\s+at /m);
      const asOperator = coworkers(['send', 'sam', 'Check the Acme deal'], { ...env, NATS_NKEY_FILE: join(out, 'operator.nk') });
      expect(asOperator.stdout).toContain('queued for sam');
      // Reading needs only to find the stream: any identity of the deployment may.
      expect(coworkers(['approvals'], { ...env, NATS_NKEY_FILE: join(out, 'connector-crm.nk') }).code).toBe(0);
      const anonymous = coworkers(['list'], env);
      expect(anonymous.stderr).toContain('refused to let anonymous');
      expect(anonymous.stderr).toContain('hint: This server wants an identity: set NATS_NKEY_FILE');
    } finally {
      await mongo.db(dbName).dropDatabase();
      await mongo.close();
    }
  });
});
