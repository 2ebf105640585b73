// The approval round trip of the work loop, through the production composition (cli/runtime.ts):
// a coworker whose scripted model proposes one customer-facing email, the agent runner, the audit
// recorder, and an email connector served on the bus and called with the tool client. Each cycle
// assigns a task and waits for its approval request; the clock runs from the decision's publish
// to the `audit` event of kind tool.executed for that approval (the connector ran, the event is
// out). Cycles run one after another: latency, not throughput.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { connect } from '@nats-io/transport-node';
import { z } from 'zod';
import { createAgentRunner, ScriptedChatModel, type Playbook } from '../actors/index.ts';
import { startDistributed, startEmbedded, type Runtime, type WorkOptions } from '../cli/runtime.ts';
import { createToolClient, defineConnector } from '../connectors/index.ts';
import { createNatsBus, type Bus } from '../messaging/index.ts';
import { PROTOCOL_VERSION, ephemeralSigner, subjects, trustingOnly, type CommandType, type CoworkerEvent } from '../protocol/index.ts';

/** One key for the runtime and the bench's decisions: the runtime trusts it in every role. */
const signer = ephemeralSigner();
import { quietLogger } from './fixtures.ts';

const COWORKER = 'arlo';
const MANAGER = 'UMANAGER1';
/** Longer than any cycle should take; a wait past it means the loop is broken, not slow. */
const EVENT_TIMEOUT_MS = 30_000;

export interface ApprovalLoopOptions {
  cycles: number;
  warmup: number;
}

export interface ApprovalLoopFigures {
  roundTripP50Ms: number;
  roundTripP99Ms: number;
  /** Whole cycles: assign → approval.requested → decide → executed → the run's final message. */
  cyclesPerSecond: number;
}

const sendOneEmail: Playbook = ({ turn, latest }) =>
  turn === 0 ? { calls: [{ tool: 'email.send', args: { to: ['ann@acme.example'], subject: 'Renewal', body: 'Shall we sign this week?' } }] } : { text: `sent: ${latest.join(' ')}` };

function emailConnector() {
  return defineConnector({
    name: 'email',
    description: 'A counting email connector for the benchmark.',
    tools: {
      send: {
        description: 'Send an email',
        risk: 'customer-facing',
        input: z.strictObject({ to: z.array(z.string()), subject: z.string(), body: z.string() }),
        run: async (_args, { idempotencyKey }) => ({ messageId: `<${idempotencyKey}@mail.example>` }),
      },
    },
  });
}

/** The connector this runtime serves, and the agent runner that calls it over the bus. */
function approvalWork(): WorkOptions {
  const email = emailConnector();
  const model = new ScriptedChatModel({ fallback: sendOneEmail });
  return {
    toolbox: async () => ({ served: [email], tools: [...email.specs], close: async () => {} }),
    createRunner: (bus, tools, _store, runnerSigner) => createAgentRunner({ model, tools, callTool: createToolClient({ bus }).call, signer: runnerSigner }),
    identity: { signer, trust: trustingOnly(signer), name: 'the approval bench' },
    logger: quietLogger,
  };
}

/** A definitions folder with one coworker, on duty around the clock, granted email.send. */
function writeDefinitions(dir: string): string {
  const definitions = join(dir, 'definitions');
  mkdirSync(definitions);
  writeFileSync(
    join(definitions, `${COWORKER}.yaml`),
    `id: ${COWORKER}
name: Arlo
role: Account executive
team: sales
manager: { name: Mia, slack: ${MANAGER}, email: mia@example.com }
timezone: UTC
workingHours: { days: [mon, tue, wed, thu, fri, sat, sun], start: "00:00", end: "00:00" }
tools: [email.send]
`,
  );
  return definitions;
}

type EventOf<Type extends CoworkerEvent['type']> = Extract<CoworkerEvent, { type: Type }>;

/** Events as a gateway sees them: `next` resolves with the first match of a type that arrives after the call. */
async function watchEvents(bus: Bus) {
  const waiting = new Set<(event: CoworkerEvent) => boolean>();
  const subscription = await bus.subscribe(subjects.eventsOf(COWORKER), (message) => {
    for (const settle of waiting) if (settle(message.data as CoworkerEvent)) waiting.delete(settle);
  });
  return {
    next<Type extends CoworkerEvent['type']>(type: Type, match: (event: EventOf<Type>) => boolean): Promise<EventOf<Type>> {
      return new Promise((resolve, reject) => {
        const settle = (event: CoworkerEvent) => {
          if (event.type !== type || !match(event as EventOf<Type>)) return false;
          clearTimeout(timer);
          resolve(event as EventOf<Type>);
          return true;
        };
        const timer = setTimeout(() => {
          waiting.delete(settle);
          reject(new Error(`no matching ${type} event within ${EVENT_TIMEOUT_MS} ms`));
        }, EVENT_TIMEOUT_MS);
        waiting.add(settle);
      });
    },
    stop: () => subscription.stop(),
  };
}

function percentile(sorted: number[], fraction: number): number {
  return sorted[Math.max(0, Math.ceil(fraction * sorted.length) - 1)]!;
}

/** Runs the cycles against a started runtime; `gateway` publishes the commands and watches the events. */
async function measureLoop(gateway: Bus, options: ApprovalLoopOptions): Promise<ApprovalLoopFigures> {
  const events = await watchEvents(gateway);
  const send = (body: Record<string, unknown>) => {
    const id = randomUUID();
    const command = { v: PROTOCOL_VERSION, id, coworkerId: COWORKER, at: Date.now(), ...body };
    // Every command but a task is signed, as a gateway signs the decisions of people it signed in.
    const signed = body.type === 'task.assign' ? command : { ...command, signature: signer.sign(command) };
    return gateway.publish(subjects.commandFor({ coworkerId: COWORKER, type: body.type as CommandType }), signed, { msgId: id });
  };

  /** One cycle; returns the decision's round trip in ms. */
  const cycle = async (): Promise<number> => {
    const taskId = randomUUID();
    const requested = events.next('approval.requested', (event) => event.approval.taskId === taskId);
    const finished = events.next('message', (event) => event.taskId === taskId);
    await send({ type: 'task.assign', task: { id: taskId, text: 'email Ann about the renewal', source: 'person', requestedBy: MANAGER, createdAt: Date.now() } });
    const approvalId = (await requested).approval.id;
    const executed = events.next('audit', (event) => event.entry.kind === 'tool.executed' && event.entry.approvalId === approvalId);
    const decidedAt = performance.now();
    await send({ type: 'approval.decide', approvalId, decision: 'approved', by: MANAGER });
    await executed;
    const roundTrip = performance.now() - decidedAt;
    // The next task starts on an idle coworker, so no cycle pays for the previous one's tail.
    await finished;
    return roundTrip;
  };

  for (let index = 0; index < options.warmup; index++) await cycle();
  const roundTrips: number[] = [];
  const start = performance.now();
  for (let index = 0; index < options.cycles; index++) roundTrips.push(await cycle());
  const cyclesPerSecond = options.cycles / ((performance.now() - start) / 1000);
  await events.stop();
  roundTrips.sort((a, b) => a - b);
  return { roundTripP50Ms: percentile(roundTrips, 0.5), roundTripP99Ms: percentile(roundTrips, 0.99), cyclesPerSecond };
}

/** One process, the in-process bus and a SQLite file, as `coworkers up`. */
export async function embeddedApprovalLoop(options: ApprovalLoopOptions): Promise<ApprovalLoopFigures> {
  const dir = mkdtempSync(join(tmpdir(), 'coworkers-bench-'));
  let runtime: Runtime | null = null;
  try {
    runtime = await startEmbedded({ ...approvalWork(), dir: writeDefinitions(dir), dataDir: join(dir, 'data') });
    return await measureLoop(runtime.bus, options);
  } finally {
    await runtime?.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * JetStream and the MongoDB store, as `coworkers runtime`; the commands come from a connection of
 * their own, as from a gateway. The caller drops `dbName`.
 */
export async function distributedApprovalLoop(options: ApprovalLoopOptions & { natsUrl: string; mongoUri: string; dbName: string; subjectPrefix: string }): Promise<ApprovalLoopFigures> {
  const dir = mkdtempSync(join(tmpdir(), 'coworkers-bench-'));
  const { natsUrl, mongoUri, dbName, subjectPrefix } = options;
  const connection = await connect({ servers: natsUrl, noAsyncTraces: true });
  let runtime: Runtime | null = null;
  try {
    runtime = await startDistributed({ ...approvalWork(), dir: writeDefinitions(dir), natsUrl, mongoUri, dbName, subjectPrefix });
    const gateway = await createNatsBus({ connection, prefix: subjectPrefix, logger: quietLogger });
    try {
      return await measureLoop(gateway, options);
    } finally {
      await gateway.close();
    }
  } finally {
    await runtime?.close();
    await connection.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
