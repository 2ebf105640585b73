// No secret in what is stored: a secret in a task's text and in its result is replaced by its name
// in the stored snapshot and status, in the published events and in the audit trail, while the
// running coworker worked with the real value.
import { pino } from 'pino';
import { afterEach, expect, it } from 'vitest';
import { createMemoryBus, type BusMessage } from '../messaging/index.ts';
import { createSqliteStore } from '../persistence/index.ts';
import { coworkerDefinitionSchema, ephemeralSigner, PROTOCOL_VERSION, subjects, trustingOnly, type CoworkerEvent } from '../protocol/index.ts';
import { createScrubber } from '../protocol/scrubber.ts';
import { createFakeClock } from '../tests/fake-clock.ts';
import { waitFor } from '../tests/helpers.ts';
import { createAuditRecorder, createCoworkerHost, type TaskRunner } from './index.ts';

const MONDAY_10_UTC = Date.UTC(2026, 10, 23, 10, 0);
const SECRET = 'pat-na1-7f3c9e1d-secret';
const logger = pino({ level: 'silent' });
const stops: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const stop of stops.splice(0).reverse()) await stop();
});

it('stores and publishes a task whose text and result carry a secret with the secret replaced by its name', async () => {
  const scrubber = createScrubber({ HUBSPOT_TOKEN: SECRET });
  const store = createSqliteStore({ path: ':memory:' });
  const bus = createMemoryBus();
  const events: CoworkerEvent[] = [];
  const subscription = await bus.subscribe(subjects.allEvents, (message: BusMessage) => events.push(message.data as CoworkerEvent));
  const seen: string[] = [];
  // The runner gets the live actor's task: the real text.
  const runTask: TaskRunner = async ({ task }) => {
    seen.push(task.text);
    return { kind: 'done', summary: `the service answered with token ${SECRET}` };
  };
  const definition = coworkerDefinitionSchema.parse({
    id: 'ada',
    name: 'Ada',
    role: 'Tester',
    team: 'qa',
    manager: { name: 'Mia', slack: 'UMIA', email: 'mia@example.com' },
    timezone: 'UTC',
    workingHours: { days: ['mon', 'tue', 'wed', 'thu', 'fri'], start: '09:00', end: '18:00' },
  });
  const host = createCoworkerHost({ definitions: [definition], bus, store, clock: createFakeClock(MONDAY_10_UTC), logger, runTask, trust: trustingOnly(ephemeralSigner()), scrubber });
  await host.start();
  stops.push(async () => {
    await subscription.stop();
    await host.stop();
    await store.close();
  });

  const task = { id: 't1', text: `check the deal with token ${SECRET}`, source: 'person', requestedBy: 'UASKER', createdAt: MONDAY_10_UTC };
  await bus.publish(subjects.command('task', 'ada'), { v: PROTOCOL_VERSION, id: 'c1', coworkerId: 'ada', at: MONDAY_10_UTC, type: 'task.assign', task }, { msgId: 'c1' });
  await waitFor(async () => events.some((event) => event.type === 'message'), 'the report');

  expect(seen).toEqual([`check the deal with token ${SECRET}`]);
  const record = await store.getCoworker('ada');
  const stored = JSON.stringify({ snapshot: record?.snapshot, status: record?.status });
  const published = JSON.stringify(events);
  for (const text of [stored, published]) {
    expect(text).not.toContain(SECRET);
    expect(text).toContain('[secret:HUBSPOT_TOKEN]');
  }
});

it('scrubs an audit entry published by anyone before the recorder stores it', async () => {
  const store = createSqliteStore({ path: ':memory:' });
  const bus = createMemoryBus();
  const recorder = createAuditRecorder({ bus, store, logger, scrubber: createScrubber({ SLACK_BOT_TOKEN: 'xoxb-123456-abcdef' }) });
  await recorder.start();
  stops.push(async () => {
    await recorder.stop();
    await store.close();
  });
  const entry = { kind: 'run.started', by: 'ada', summary: 'signed in with xoxb-123456-abcdef', detail: { token: 'xoxb-123456-abcdef' } };
  await bus.publish(subjects.event('ada', 'audit'), { v: PROTOCOL_VERSION, id: 'e1', coworkerId: 'ada', at: MONDAY_10_UTC, type: 'audit', entry }, { msgId: 'e1' });
  const [stored] = await waitFor(async () => {
    const entries = await store.queryAudit({ coworkerId: 'ada' });
    return entries.length > 0 && entries;
  }, 'the entry');
  expect(JSON.stringify(stored)).not.toContain('xoxb-123456-abcdef');
  expect(JSON.stringify(stored)).toContain('[secret:SLACK_BOT_TOKEN]');
});
