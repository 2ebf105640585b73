// The work loop in one process for tests: the agent runner in the real host, a scripted model
// playing each test's playbook, a connector that counts executions by idempotency key, and the
// audit trail stored through the recorder.
import { pino } from 'pino';
import { createAgentRunner, createAuditRecorder, createCoworkerHost, ScriptedChatModel, type Playbook } from '../actors/index.ts';
import { createMemoryBus } from '../messaging/index.ts';
import { createSqliteStore } from '../persistence/index.ts';
import { CoworkersError, PROTOCOL_VERSION, coworkerDefinitionSchema, ephemeralSigner, subjects, trustingOnly, type CommandType, type CoworkerDefinition, type CoworkerEvent, type ToolCall, type ToolSpec } from '../protocol/index.ts';
import { waitFor } from './helpers.ts';

const logger = pino({ level: 'silent' });
export const MANAGER = 'UMIA';
/** Signs the grants of the runner's calls, and the commands the tests send as people. */
export const runtimeSigner = ephemeralSigner();

export const tools: ToolSpec[] = [
  { name: 'crm.getDeal', description: 'Read a deal', risk: 'read', input: { type: 'object', properties: { id: { type: 'string' } } } },
  { name: 'sheets.appendRow', description: 'Append a row', risk: 'write', input: { type: 'object' } },
  { name: 'email.send', description: 'Send an email', risk: 'customer-facing', input: { type: 'object' } },
  { name: 'billing.refund', description: 'Refund a customer', risk: 'money', input: { type: 'object' } },
];

export function definition(overrides: Record<string, unknown> = {}): CoworkerDefinition {
  return coworkerDefinitionSchema.parse({
    id: 'sam',
    name: 'Sam',
    role: 'Account executive',
    team: 'sales',
    manager: { name: 'Mia', slack: MANAGER, email: 'mia@example.com' },
    timezone: 'UTC',
    workingHours: { days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'], start: '00:00', end: '00:00' },
    tools: ['crm.getDeal', 'sheets.appendRow', 'email.send', 'billing.refund'],
    jobs: [{ id: 'follow-up', instructions: 'Follow up on the deal.', triggers: [{ event: 'crm.deal.stale' }], tools: ['crm.getDeal', 'sheets.appendRow', 'email.send'] }],
    ...overrides,
  });
}

/** A connector that runs each idempotency key once, as real ones must, and counts what ran. */
export function countingConnector(options: { failTimes?: number; deal?: unknown } = {}) {
  const executions: ToolCall[] = [];
  const results = new Map<string, unknown>();
  let failures = options.failTimes ?? 0;
  return {
    executions,
    async callTool(call: ToolCall) {
      if (results.has(call.idempotencyKey)) return { result: results.get(call.idempotencyKey), replayed: true };
      if (failures > 0) {
        failures--;
        throw new CoworkersError('TOOL_FAILED', 'the CRM is down', { retryable: true });
      }
      executions.push(call);
      const result = call.tool === 'crm.getDeal' ? (options.deal ?? { id: 'd1', contact: 'ann@acme.example' }) : { ok: true };
      results.set(call.idempotencyKey, result);
      return { result, replayed: false };
    },
  };
}

const stops: Array<() => Promise<void>> = [];

/** Stops every coworker started since the last call: for `afterEach`. */
export async function stopAll(): Promise<void> {
  for (const stop of stops.splice(0).reverse()) await stop();
}

export async function start(options: { playbook: Playbook; definition?: CoworkerDefinition; connector?: ReturnType<typeof countingConnector> }) {
  const bus = createMemoryBus();
  const store = createSqliteStore({ path: ':memory:' });
  const connector = options.connector ?? countingConnector();
  const events: CoworkerEvent[] = [];
  const subscription = await bus.subscribe(subjects.allEvents, (message) => events.push(message.data as CoworkerEvent));
  const model = new ScriptedChatModel({ playbooks: { 'follow-up': options.playbook }, fallback: options.playbook });
  const runTask = createAgentRunner({ model, tools, callTool: (call) => connector.callTool(call), signer: runtimeSigner, retry: { attempts: 3, baseDelayMs: 1 } });
  const host = createCoworkerHost({ definitions: [options.definition ?? definition()], bus, store, logger, runTask, trust: trustingOnly(runtimeSigner) });
  const recorder = createAuditRecorder({ bus, store, logger });
  await recorder.start();
  await host.start();
  stops.push(async () => {
    await subscription.stop();
    await host.stop();
    await recorder.stop();
    await store.close();
  });
  let counter = 0;
  // As a gateway would: every command but a task signed (here by the one key this test trusts).
  const send = (body: Record<string, unknown>) => {
    const id = `cmd-${++counter}`;
    const command = { v: PROTOCOL_VERSION, id, coworkerId: 'sam', at: Date.now(), ...body };
    const signed = body.type === 'task.assign' ? command : { ...command, signature: runtimeSigner.sign(command) };
    return bus.publish(subjects.commandFor({ coworkerId: 'sam', type: body.type as CommandType }), signed, { msgId: id });
  };
  const assign = (text: string, extra: Record<string, unknown> = {}) =>
    send({ type: 'task.assign', task: { id: `task-${counter + 1}`, text, source: 'person', requestedBy: MANAGER, createdAt: Date.now(), ...extra } });
  const decide = (approvalId: string, decision: string, by = MANAGER, extra: Record<string, unknown> = {}) => send({ type: 'approval.decide', approvalId, decision, by, ...extra });
  const status = () => host.status('sam')!;
  const approvalRequested = async (count = 1) => {
    await waitFor(async () => status().state.status === 'awaitingApproval' && events.filter((e) => e.type === 'approval.requested').length >= count, 'an approval request');
    const requested = events.filter((e) => e.type === 'approval.requested').at(-1)!;
    return requested.type === 'approval.requested' ? requested.approval : never();
  };
  const idle = () => waitFor(async () => status().state.status === 'idle' && events.some((e) => e.type === 'message'), 'the run to finish');
  const audit = () => store.queryAudit({ coworkerId: 'sam' });
  return { bus, store, connector, events, assign, decide, status, approvalRequested, idle, audit, send };
}

function never(): never {
  throw new Error('unreachable');
}

