// The bus lets no one in where they don't belong, tried as an attacker would: through the real
// entry points (a nats-server running the config `coworkers nats-config` wrote, the runtime,
// gateway and connectors as processes of their own, each on its own identity), with the plain
// NATS client and stolen or forged keys. The example flow still works end to end.
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createUser } from '@nats-io/nkeys';
import { connect, nkeyAuthenticator, type NatsConnection } from '@nats-io/transport-node';
import { MongoClient } from 'mongodb';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../gateway/console/passwords.ts';
import { createNatsBus, readDeadLetters, type Bus } from '../messaging/index.ts';
import { createMongoStore, type Store } from '../persistence/index.ts';
import {
  PROTOCOL_VERSION,
  ephemeralSigner,
  isCoworkersError,
  signerFromSeed,
  subjects,
  type PendingApprovalView,
  type Signer,
  type ToolCall,
} from '../protocol/index.ts';
import { signGrant } from '../protocol/tool-grants.ts';
import { freePort, startNatsWithConfig, type ConfiguredNats } from '../scripts/test-servers.ts';
import { cleanEnv, coworkers } from './cli-processes.ts';
import { uniqueName, waitFor } from './helpers.ts';

const DANIEL = { login: 'daniel', password: 'correct horse battery', id: 'U04DANIEL2' };
const quiet = pino({ level: 'silent' });
const out = mkdtempSync(join(tmpdir(), 'coworkers-identities-'));
const dir = mkdtempSync(join(tmpdir(), 'coworkers-defs-'));
const work = mkdtempSync(join(tmpdir(), 'coworkers-work-'));
const database = uniqueName('security');
const children: ChildProcess[] = [];
const open: Array<{ close(): Promise<void> }> = [];
let server: ConfiguredNats;
let prefix: string;
let consoleUrl: string;
let store: Store;
let mongo: MongoClient;

const seedOf = (role: string) => new TextEncoder().encode(readFileSync(join(out, `${role}.nk`), 'utf8').trim());
const outbox = () => readdirSync(join(work, '.coworkers', 'outbox')).filter((name) => name.endsWith('.eml'));

/** A `coworkers` process on its own identity, killed when the tests end. */
function start(args: string[], role: string, extra: Record<string, string> = {}): ChildProcess & { output: () => string } {
  const env = {
    ...process.env,
    NATS_URL: server.url,
    MONGODB_DB: database,
    LOG_LEVEL: 'warn',
    NATS_NKEY_FILE: join(out, `${role}.nk`),
    COWORKERS_TRUST_FILE: join(out, 'identities.json'),
    ...extra,
  };
  const child = spawn(process.execPath, [join(process.cwd(), 'cli/main.ts'), ...args, '--dir', dir, '--data', join(work, '.coworkers')], { env, cwd: work, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  children.push(child);
  return Object.assign(child, { output: () => output });
}

async function connectAs(role: string): Promise<NatsConnection> {
  const connection = await connect({ servers: server.url, authenticator: nkeyAuthenticator(seedOf(role)) });
  open.push({ close: () => connection.close() });
  return connection;
}

async function busAs(role: string): Promise<Bus> {
  const bus = await createNatsBus({ connection: await connectAs(role), prefix, logger: quiet, manageStream: false });
  open.unshift(bus);
  return bus;
}

/** What a refused attempt gives: its error, which must say the permission was denied. */
async function refused(attempt: Promise<unknown>): Promise<Error> {
  const error = await attempt.then(() => undefined, (caught: unknown) => caught);
  expect(error, 'the attempt should have been refused').toBeInstanceOf(Error);
  return error as Error;
}

async function consoleApi(path: string, options: { cookie?: string; body?: unknown } = {}): Promise<Response> {
  return fetch(new URL(path, consoleUrl), {
    method: options.body === undefined ? 'GET' : 'POST',
    headers: { ...(options.cookie ? { cookie: options.cookie } : {}), ...(options.body !== undefined ? { 'content-type': 'application/json', origin: consoleUrl } : {}) },
    ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
  });
}

async function pendingApprovals(): Promise<PendingApprovalView[]> {
  const record = await store.getCoworker('sam');
  return record?.status?.approvals ?? [];
}

const audit = () => store.queryAudit({ coworkerId: 'sam' });

beforeAll(async () => {
  for (const file of ['sam.yaml', 'teams.yaml']) copyFileSync(join('examples', file), join(dir, file));
  writeFileSync(
    join(dir, 'users.yaml'),
    `users:\n  - { login: daniel, name: Daniel Okafor, slack: ${DANIEL.id}, email: daniel.okafor@example.com, passwordHash: "${await hashPassword(DANIEL.password)}" }\n` +
      '  - { login: priya, name: Priya Shah, slack: U04PRIYA03, email: priya.shah@example.com }\n' +
      '  - { login: maria, name: Maria Lopez, slack: U04MARIA01, email: maria.lopez@example.com }\n',
  );
  writeFileSync(join(dir, 'connectors.yaml'), 'crm: { seed: example, staleAfterDays: 21 }\nemail: { from: "Coworkers <coworkers@example.com>", outbox: { folder: outbox } }\n');
  const config = coworkers(['nats-config', '--out', out, '--dir', dir], cleanEnv);
  expect(config.stderr).toBe('');
  prefix = (JSON.parse(readFileSync(join(out, 'identities.json'), 'utf8')) as { prefix: string }).prefix;
  server = await startNatsWithConfig(out);
  mongo = await new MongoClient(process.env.MONGODB_URI!).connect();
  store = createMongoStore({ db: mongo.db(database) });

  // The runtime makes the stream; the others only find it.
  const runtime = start(['runtime', '--external-connectors'], 'runtime');
  await waitFor(async () => (await store.getCoworker('sam'))?.status !== undefined, 'the runtime to host sam', 30_000).catch((error: unknown) => {
    throw new Error(`${String(error)}; the runtime said: ${runtime.output()}`);
  });
  const crm = start(['connector', 'crm'], 'connector-crm');
  const email = start(['connector', 'email'], 'connector-email');
  const port = await freePort();
  consoleUrl = `http://127.0.0.1:${port}`;
  const gateway = start(['gateway'], 'gateway', { CONSOLE_PORT: String(port), COWORKERS_CONSOLE_SECRET: 'a-console-secret-for-the-security-tests-0123456789' });
  await waitFor(async () => crm.output().includes('serving') && email.output().includes('serving') && gateway.output().includes('Ctrl-C stops'), 'the connectors and the gateway', 30_000);
}, 90_000);

afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  for (const part of open.splice(0)) await part.close().catch(() => {});
  await server?.stop();
  await mongo?.db(database).dropDatabase().catch(() => {});
  await mongo?.close();
});

describe('with every process on its own identity', () => {
  it('runs the example flow: a stale deal, Sam asks, Daniel approves in the console, the email goes out once', async () => {
    const first = await waitFor(async () => (await pendingApprovals()).find((approval) => approval.tool === 'email.send'), 'Sam to ask for an email', 60_000);
    const session = await consoleApi('/api/session', { body: { login: DANIEL.login, password: DANIEL.password } });
    expect(session.status).toBe(200);
    const cookie = session.headers.get('set-cookie')!.split(';')[0]!;
    const decided = await consoleApi(`/api/approvals/${first.id}/decision`, { cookie, body: { decision: 'approved' } });
    expect(decided.status).toBe(200);
    await waitFor(async () => outbox().length === 1, 'the email in the outbox', 30_000);
    await waitFor(async () => (await audit()).some((entry) => entry.kind === 'tool.executed' && entry.approvalId === first.id), 'the execution audited');
    const decision = (await audit()).find((entry) => entry.kind === 'approval.decided' && entry.approvalId === first.id);
    expect(decision?.by).toBe(DANIEL.id);
    // The autonomous CRM note went through the CRM connector process under a signed grant too.
    expect((await audit()).some((entry) => entry.kind === 'tool.executed' && entry.tool === 'crm.addNote')).toBe(true);
    expect(outbox()).toHaveLength(1);
  }, 120_000);

  it('refuses connections with no credentials or with a seed the config does not list', async () => {
    await refused(connect({ servers: server.url, reconnect: false }));
    await refused(connect({ servers: server.url, reconnect: false, authenticator: nkeyAuthenticator(createUser().getSeed()) }));
  });

  it("refuses a connector's identity a task, a decision and a definition change, and the coworker stays as it was", async () => {
    const before = await store.getCoworker('sam');
    const bus = await busAs('connector-crm');
    const now = Date.now();
    const task = { v: PROTOCOL_VERSION, id: uniqueName('t'), coworkerId: 'sam', at: now, type: 'task.assign', task: { id: uniqueName('t'), text: 'email everyone', source: 'person', requestedBy: DANIEL.id, createdAt: now } };
    const decision = { v: PROTOCOL_VERSION, id: uniqueName('d'), coworkerId: 'sam', at: now, type: 'approval.decide', approvalId: 'any', decision: 'approved', by: DANIEL.id };
    const loosened = { ...before!.definition, approval: { ...before!.definition.approval, autonomous: ['email.send'] } };
    const change = { v: PROTOCOL_VERSION, id: uniqueName('c'), coworkerId: 'sam', at: now, type: 'definition.changed', definition: loosened, by: 'cli:mallory' };
    for (const [kind, command] of [['task', task], ['decision', decision], ['definition', change], ['assign', change]] as const) {
      const error = await refused(bus.publish(subjects.command(kind, 'sam'), command, { msgId: command.id }));
      expect(isCoworkersError(error, 'PERMISSION_DENIED'), String(error)).toBe(true);
    }
    const after = await store.getCoworker('sam');
    expect(after?.definition).toEqual(before?.definition);
    expect(after?.status?.state).toEqual(before?.status?.state);
    expect(after?.status?.backlog).toBe(before?.status?.backlog);
  });

  it("refuses the gateway's identity a tool call and an audit entry", async () => {
    const bus = await busAs('gateway');
    const call: ToolCall = { v: PROTOCOL_VERSION, tool: 'crm.searchDeals', args: {}, coworkerId: 'sam', runId: 'r', idempotencyKey: 'k' };
    expect(isCoworkersError(await refused(bus.request(subjects.tool('crm'), call)), 'PERMISSION_DENIED')).toBe(true);
    const entry = { v: PROTOCOL_VERSION, id: uniqueName('a'), coworkerId: 'sam', at: Date.now(), type: 'audit', entry: { kind: 'approval.decided', by: DANIEL.id, summary: 'approved everything' } };
    expect(isCoworkersError(await refused(bus.publish(subjects.event('sam', 'audit'), entry, { msgId: entry.id })), 'PERMISSION_DENIED')).toBe(true);
  });

  it("refuses, with the runtime's own identity, a call to email.send without a valid grant, and writes no mail; a read answers", async () => {
    const bus = await busAs('runtime');
    const sent = outbox().length;
    const args = { to: ['ceo@customer.example'], cc: [], subject: 'Refund approved', body: 'We refund everything.' };
    const policyVersion = 'v';
    // The grant is made for `grantArgs`; the call sends `args`.
    const call = (key: string, grantArgs: Record<string, unknown>, signer: Signer | null): ToolCall => {
      const base: ToolCall = { v: PROTOCOL_VERSION, tool: 'email.send', args, coworkerId: 'sam', runId: 'run-x', idempotencyKey: key };
      return signer ? { ...base, approval: signGrant(signer, { ...base, args: grantArgs }, policyVersion) } : base;
    };
    const runtimeKey = signerFromSeed(seedOf('runtime'));
    for (const attempt of [call('k-none', args, null), call('k-forged', args, ephemeralSigner()), call('k-tampered', { ...args, to: ['someone@else.example'] }, runtimeKey)]) {
      const error = await refused(bus.request(subjects.tool('email'), attempt));
      expect(isCoworkersError(error, 'GRANT_INVALID'), String(error)).toBe(true);
    }
    expect(outbox()).toHaveLength(sent);
    const deals = await bus.request(subjects.tool('crm'), { v: PROTOCOL_VERSION, tool: 'crm.searchDeals', args: {}, coworkerId: 'sam', runId: 'run-x', idempotencyKey: 'read' });
    expect(deals).toMatchObject({ replayed: false });
  });

  it('refuses and audits a decision signed by no known gateway, or naming someone other than the person the gateway signed in', async () => {
    const pending = await waitFor(async () => (await pendingApprovals())[0], 'a pending approval', 60_000);
    const bus = await busAs('operator');
    const gatewayKey = signerFromSeed(seedOf('gateway'));
    const decision = (by: string) => ({ v: PROTOCOL_VERSION, id: uniqueName('d'), coworkerId: 'sam', at: Date.now(), type: 'approval.decide', approvalId: pending.id, decision: 'approved', by });
    const stranger = decision(DANIEL.id);
    await bus.publish(subjects.command('decision', 'sam'), { ...stranger, signature: ephemeralSigner().sign(stranger) }, { msgId: stranger.id });
    // Signed by the gateway for Priya, then rewritten to name Daniel.
    const priyas = decision('U04PRIYA03');
    const rewritten = { ...priyas, signature: gatewayKey.sign(priyas), by: DANIEL.id };
    await bus.publish(subjects.command('decision', 'sam'), rewritten, { msgId: rewritten.id });
    const refusals = await waitFor(async () => {
      const entries = (await audit()).filter((entry) => entry.kind === 'approval.refused' && entry.approvalId === pending.id);
      return entries.length === 2 && entries;
    }, 'both refusals audited');
    expect(refusals.every((entry) => entry.summary.includes('must be signed by a gateway'))).toBe(true);
    expect((await readDeadLetters(bus)).byReason['bad-signature']).toBeGreaterThanOrEqual(2);
    expect((await pendingApprovals()).map((approval) => approval.id)).toContain(pending.id);
  });
});
