// An approved email is sent exactly once even when the runtime is SIGKILLed between the approval
// and the execution, or between the execution and its recording: the connector (in this process,
// outliving the kills) counts executions by idempotency key, and the audit trail records one.
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { grantsFromStore, serveConnector } from '../connectors/index.ts';
import { assignTask } from '../gateway/index.ts';
import type { Subscription } from '../messaging/index.ts';
import { PROTOCOL_VERSION, subjects, type CoworkerEvent } from '../protocol/index.ts';
import { connectAsTest, startRuntimeProcess, stopRuntimeProcess } from './runtime-processes.ts';
import { countingEmailConnector } from './email-connector.ts';
import { definitionYaml, uniqueName, waitFor, writeDefinitions } from './helpers.ts';
import { testIdentity } from './test-identity.ts';

const MANAGER = 'UMANAGER1';
const logger = pino({ level: 'silent' });
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const startRuntime = (env: NodeJS.ProcessEnv) => startRuntimeProcess('tests/fixtures/agent-runtime.ts', env, cleanups);


async function setup() {
  const dir = writeDefinitions({ arlo: `${definitionYaml('arlo', { manager: MANAGER })}tools: [email.send]\n` });
  // One key for the runtime process and this one: the connector here takes its grants, the runtime the decisions signed here.
  const identity = testIdentity();
  const env = { ...process.env, ...identity.env, COWORKERS_DIR: dir, MONGODB_DB: uniqueName('once'), COWORKERS_SUBJECT_PREFIX: `${uniqueName('once')}.v1` };
  const { store, bus } = await connectAsTest(env, cleanups);
  const events: CoworkerEvent[] = [];
  await bus.subscribe(subjects.allEvents, (message) => events.push(message.data as CoworkerEvent));
  const email = countingEmailConnector();
  let served: Subscription | null = null;
  const serveEmail = async () => (served = await serveConnector({ bus, connector: email.connector, documents: store.documents, grants: grantsFromStore(store), trust: identity.trust, logger }));
  cleanups.push(async () => void (await served?.stop()));

  const approvalOf = async () => {
    const requested = await waitFor(async () => events.find((event) => event.type === 'approval.requested'), 'the approval request');
    return requested.type === 'approval.requested' ? requested.approval : expect.unreachable();
  };
  const approve = (approvalId: string) => {
    const decision = { v: PROTOCOL_VERSION, id: 'decide-1', coworkerId: 'arlo', at: Date.now(), type: 'approval.decide', approvalId, decision: 'approved', by: MANAGER };
    return bus.publish(subjects.command('decision', 'arlo'), { ...decision, signature: identity.signer.sign(decision) }, { msgId: 'decide-1' });
  };
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
    await stopRuntimeProcess(runtime, 'SIGKILL');
    expect(email.sent).toEqual([]);

    await serveEmail();
    runtime = await startRuntime(env);
    await finished();
    expect(email.sent).toEqual([`approval:${approval.id}`]);
    await waitFor(async () => (await executions()).length === 1, 'one execution in the audit trail');
    expect((await executions())[0]).toMatchObject({ tool: 'email.send', approvalId: approval.id });
    await stopRuntimeProcess(runtime, 'SIGKILL');
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
    await waitFor(async () => email.sent.length === 1, 'the email to be sent');
    await stopRuntimeProcess(runtime, 'SIGKILL');
    email.releaseReplies();

    runtime = await startRuntime(env);
    await finished();
    expect(email.sent).toEqual([`approval:${approval.id}`]);
    await waitFor(async () => (await executions()).length === 1, 'one execution in the audit trail');
    // Give a second recording the time to show up if there were one.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await executions()).toHaveLength(1);
    await stopRuntimeProcess(runtime, 'SIGKILL');
  }, 60_000);
});
