import { connect } from '@nats-io/transport-node';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createMemoryBus, createNatsBus, type Bus } from '../messaging/index.ts';
import { coworkerDefinitionSchema, subjects, type Command, type CoworkerDefinition } from '../protocol/index.ts';
import { uniqueName, waitFor } from '../tests/helpers.ts';
import { createTriggerRouter } from './trigger-router.ts';

const AT = Date.UTC(2026, 10, 23, 10);

function coworker(id: string, jobs: Array<Record<string, unknown>>): CoworkerDefinition {
  return coworkerDefinitionSchema.parse({
    id,
    name: id,
    role: 'Account manager',
    team: 'sales',
    manager: { name: 'Mia', slack: 'UMIA', email: 'mia@example.com' },
    timezone: 'UTC',
    jobs,
  });
}

const definitions = [
  coworker('ada', [
    { id: 'revive', instructions: 'Revive the deal', triggers: [{ event: 'crm.deal.stale', where: { 'deal.stage': 'proposal', region: 'emea' } }] },
    { id: 'any-stale', instructions: 'Note every stale deal', outsideWorkingHours: true, triggers: [{ event: 'crm.deal.stale' }] },
    { id: 'mail', instructions: 'Answer the mail', triggers: [{ event: 'email.received' }] },
  ]),
  coworker('bo', [
    {
      id: 'big-deals',
      instructions: 'Look at the big deal',
      // Two triggers of one job that both match start one run.
      triggers: [
        { event: 'crm.deal.stale', where: { 'deal.amount': 50_000 } },
        { event: 'crm.deal.stale', where: { region: 'emea' } },
      ],
    },
  ]),
];

const logLines: Array<Record<string, unknown>> = [];
const logger = pino({ level: 'debug' }, { write: (line: string) => void logLines.push(JSON.parse(line) as Record<string, unknown>) });

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  logLines.length = 0;
});

/** A router on the bus, and every command it assigns. */
async function route(bus: Bus) {
  const router = createTriggerRouter({ definitions, bus, logger });
  await router.start();
  const commands: Command[] = [];
  const subscription = await bus.consume(subjects.allCommands, async (message) => void commands.push(message.data as Command), { durable: 'runtime' });
  cleanups.push(async () => {
    await subscription.stop();
    await router.stop();
  });
  return commands;
}

const staleDeal = (id: string, data: Record<string, unknown>) => ({ v: 1, id, event: 'crm.deal.stale', data, at: AT });
const assigned = (commands: Command[]) => commands.map((command) => command.id).sort();

describe('the trigger router (in-process bus)', () => {
  function memoryBus() {
    const bus = createMemoryBus();
    cleanups.push(() => bus.close());
    return bus;
  }

  it('assigns a task to each job whose trigger matches the event, nested fields included', async () => {
    const bus = memoryBus();
    const commands = await route(bus);
    const data = { deal: { stage: 'proposal', amount: 50_000 }, region: 'emea' };
    await bus.publish(subjects.trigger('crm.deal.stale'), staleDeal('evt-1', data), { msgId: 'evt-1' });
    await waitFor(async () => commands.length === 3, 'three tasks');

    expect(assigned(commands)).toEqual(['trigger:evt-1:ada:any-stale', 'trigger:evt-1:ada:revive', 'trigger:evt-1:bo:big-deals']);
    const revive = commands.find((command) => command.id === 'trigger:evt-1:ada:revive')!;
    expect(revive).toEqual({
      v: 1,
      id: 'trigger:evt-1:ada:revive',
      coworkerId: 'ada',
      at: AT,
      type: 'task.assign',
      task: {
        id: 'trigger:evt-1:ada:revive',
        text: 'Revive the deal',
        source: 'trigger',
        requestedBy: 'trigger:crm.deal.stale',
        jobId: 'revive',
        createdAt: AT,
        trigger: { id: 'evt-1', event: 'crm.deal.stale', data },
      },
    });
    const anyStale = commands.find((command) => command.id === 'trigger:evt-1:ada:any-stale')!;
    expect(anyStale.type === 'task.assign' && anyStale.task.anyTime).toBe(true);
  });

  it('starts no job whose where clause differs, misses a field, or names a field of another type', async () => {
    const bus = memoryBus();
    const commands = await route(bus);
    await bus.publish(subjects.trigger('crm.deal.stale'), staleDeal('evt-2', { deal: { stage: 'won', amount: '50000' }, region: 'apac' }), { msgId: 'evt-2' });
    await bus.publish(subjects.trigger('crm.deal.stale'), staleDeal('evt-3', { deal: 'proposal', region: 'emea' }), { msgId: 'evt-3' });
    await waitFor(async () => commands.length === 3, 'the tasks of the jobs that match');
    expect(assigned(commands)).toEqual(['trigger:evt-2:ada:any-stale', 'trigger:evt-3:ada:any-stale', 'trigger:evt-3:bo:big-deals']);
  });

  it('logs a malformed event whole and goes on with the next one', async () => {
    const bus = memoryBus();
    const commands = await route(bus);
    await bus.publish(subjects.trigger('email.received'), { v: 1, id: 'bad', event: 'email.received', at: AT }, { msgId: 'bad' });
    await bus.publish(subjects.trigger('email.received'), { v: 1, id: 'good', event: 'email.received', data: {}, at: AT }, { msgId: 'good' });
    await waitFor(async () => commands.length === 1, 'the well-formed event’s task');
    expect(assigned(commands)).toEqual(['trigger:good:ada:mail']);
    expect(logLines.find((line) => line.msg === 'malformed trigger event dropped')).toMatchObject({ payload: { id: 'bad' } });
  });
});

describe('the trigger router (NATS bus)', () => {
  async function natsBus() {
    const connection = await connect({ servers: process.env.NATS_URL });
    const bus = await createNatsBus({ connection, prefix: `${uniqueName('triggers')}.v1`, logger: pino({ level: 'silent' }) });
    cleanups.push(async () => {
      await bus.close();
      await connection.close();
    });
    return bus;
  }

  it('routes an event published to trg.<event> on JetStream', async () => {
    const bus = await natsBus();
    const commands = await route(bus);
    await bus.publish(subjects.trigger('email.received'), { v: 1, id: 'mail-1', event: 'email.received', data: { from: 'x@example.com' }, at: AT }, { msgId: 'mail-1' });
    await waitFor(async () => commands.length === 1, 'the mail task');
    expect(assigned(commands)).toEqual(['trigger:mail-1:ada:mail']);
  });

  it('routes an event again with the same task ids when a publish failed, so the bus drops the repeats', async () => {
    const bus = await natsBus();
    const publish = bus.publish.bind(bus);
    let failures = 1;
    bus.publish = async (subject, data, options) =>
      subject === subjects.command('task', 'bo') && failures-- > 0 ? Promise.reject(new Error('bus away')) : publish(subject, data, options);
    const commands = await route(bus);
    await bus.publish(subjects.trigger('crm.deal.stale'), staleDeal('evt-4', { region: 'emea' }), { msgId: 'evt-4' });
    // The failed handler gets its event back after a second.
    await waitFor(async () => commands.some((command) => command.coworkerId === 'bo'), 'the retried task', 5_000);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(assigned(commands)).toEqual(['trigger:evt-4:ada:any-stale', 'trigger:evt-4:bo:big-deals']);
  });
});
