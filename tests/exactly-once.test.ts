// An approved email is sent exactly once even when the runtime is SIGKILLed between the approval
// and the execution, or between the execution and its recording: the connector (in this process,
// outliving the kills) counts executions by idempotency key, and the audit trail records one.
import { spawn, type ChildProcess } from 'node:child_process';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { MongoClient } from 'mongodb';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineConnector, serveConnector } from '../connectors/index.ts';
import { assignTask } from '../gateway/index.ts';
import { createNatsBus, type Bus, type Subscription } from '../messaging/index.ts';
import { createMongoStore, type Store } from '../persistence/index.ts';
import { PROTOCOL_VERSION, subjects, type CoworkerEvent } from '../protocol/index.ts';
import { definitionYaml, uniqueName, waitFor, writeDefinitions } from './helpers.ts';

const MANAGER = 'UMANAGER1';
const logger = pino({ level: 'silent' });
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function startRuntime(env: NodeJS.ProcessEnv): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['tests/fixtures/agent-runtime.ts'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  cleanups.push(async () => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => chunk.toString().includes('ready') && resolve(child));
    child.once('exit', (code) => reject(new Error(`runtime exited with ${code}: ${stderr}`)));
  });
}

function kill(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

/** An email connector that counts what it executed, and can hold its reply until told. */
function emailConnector() {
  const executed: string[] = [];
  let releaseReply: () => void = () => {};
  let replyGate: Promise<void> = Promise.resolve();
  const connector = defineConnector({
    name: 'email',
    tools: {
      send: {
        description: 'Send an email',
        risk: 'customer-facing',
        input: z.strictObject({ to: z.array(z.string()), subject: z.string(), body: z.string() }),
        async run(_args, { idempotencyKey }) {
          executed.push(idempotencyKey);
          await replyGate;
          return { messageId: `<${executed.length}@mail.example>` };
        },
      },
    },
  });
  return {
    connector,
    executed,
    holdReplies() {
      replyGate = new Promise((resolve) => (releaseReply = resolve));
    },
    releaseReplies: () => releaseReply(),
  };
}

async function setup() {
  const dir = writeDefinitions({ arlo: `${definitionYaml('arlo', { manager: MANAGER })}tools: [email.send]\n` });
  const env = { ...process.env, COWORKERS_DIR: dir, MONGODB_DB: uniqueName('once'), COWORKERS_SUBJECT_PREFIX: `${uniqueName('once')}.v1` };
  const mongo = await new MongoClient(process.env.MONGODB_URI!).connect();
  const nats: NatsConnection = await connect({ servers: process.env.NATS_URL! });
  cleanups.push(async () => {
    await mongo.db(env.MONGODB_DB).dropDatabase();
    await mongo.close();
    await nats.close();
  });
  const store: Store = createMongoStore({ db: mongo.db(env.MONGODB_DB) });
  const bus: Bus = await createNatsBus({ connection: nats, prefix: env.COWORKERS_SUBJECT_PREFIX, logger });
  const events: CoworkerEvent[] = [];
  await bus.subscribe(subjects.allEvents, (message) => events.push(message.data as CoworkerEvent));
  const email = emailConnector();
  let served: Subscription | null = null;
  const serveEmail = async () => (served = await serveConnector({ bus, connector: email.connector, logger }));
  cleanups.push(async () => void (await served?.stop()));

  const approvalOf = async () => {
    const requested = await waitFor(async () => events.find((event) => event.type === 'approval.requested'), 'the approval request');
    return requested.type === 'approval.requested' ? requested.approval : expect.unreachable();
  };
  const approve = (approvalId: string) =>
    bus.publish(
      subjects.command('arlo'),
      { v: PROTOCOL_VERSION, id: 'decide-1', coworkerId: 'arlo', at: Date.now(), type: 'approval.decide', approvalId, decision: 'approved', by: MANAGER },
      { msgId: 'decide-1' },
    );
  const finished = () => waitFor(async () => events.some((event) => event.type === 'message' && event.text.includes('sent:')), 'the run to finish', 30_000);
  const executions = async () => (await store.queryAudit({ coworkerId: 'arlo' })).filter((entry) => entry.kind === 'tool.executed');
  const sendTask = () => assignTask({ bus, store, now: Date.now }, { coworkerId: 'arlo', text: 'email Ann about the renewal', requestedBy: MANAGER });
  return { env, email, events, serveEmail, approvalOf, approve, finished, executions, sendTask };
}

describe('an approved call across SIGKILLs', () => {
  it('is executed once when the runtime dies between the approval and the execution', async () => {
    const { env, email, events, serveEmail, approvalOf, approve, finished, executions, sendTask } = await setup();
    let runtime = await startRuntime(env);
    await sendTask();
    const approval = await approvalOf();
    // The connector is away: the runtime stores the decision, then keeps retrying the call.
    await approve(approval.id);
    await waitFor(async () => events.some((event) => event.type === 'approval.decided'), 'the decision to be stored');
    await kill(runtime);
    expect(email.executed).toEqual([]);

    await serveEmail();
    runtime = await startRuntime(env);
    await finished();
    expect(email.executed).toEqual([`approval:${approval.id}`]);
    await waitFor(async () => (await executions()).length === 1, 'one execution in the audit trail');
    expect((await executions())[0]).toMatchObject({ tool: 'email.send', approvalId: approval.id });
    await kill(runtime);
  }, 60_000);

  it('is executed once when the runtime dies between the execution and its recording', async () => {
    const { env, email, serveEmail, approvalOf, approve, finished, executions, sendTask } = await setup();
    await serveEmail();
    let runtime = await startRuntime(env);
    await sendTask();
    const approval = await approvalOf();
    // The email goes out, but its reply is held until the runtime that asked is dead.
    email.holdReplies();
    await approve(approval.id);
    await waitFor(async () => email.executed.length === 1, 'the email to be sent');
    await kill(runtime);
    email.releaseReplies();

    runtime = await startRuntime(env);
    await finished();
    expect(email.executed).toEqual([`approval:${approval.id}`]);
    await waitFor(async () => (await executions()).length === 1, 'one execution in the audit trail');
    // Give a second recording the time to show up if there were one.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await executions()).toHaveLength(1);
    await kill(runtime);
  }, 60_000);
});
