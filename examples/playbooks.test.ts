// The three example coworkers do their jobs end to end offline: the scripted model plays each
// job's playbook, the sample connectors answer over the bus, and gated calls wait for approval.
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createAgentRunner, createAuditRecorder, createCoworkerHost, ScriptedChatModel } from '../actors/index.ts';
import { createSampleConnectors, createToolClient, findSample, grantsFromStore, serveConnector } from '../connectors/index.ts';
import { loadDefinitions } from '../definitions/index.ts';
import { createMemoryBus } from '../messaging/index.ts';
import { createSqliteStore } from '../persistence/index.ts';
import { PROTOCOL_VERSION, subjects, type CoworkerDefinition, type CoworkerEvent, type PendingApprovalView, type Task } from '../protocol/index.ts';
import { waitFor } from '../tests/helpers.ts';
import { examplePlaybooks } from './playbooks.ts';

const logger = pino({ level: 'silent' });
const { definitions } = await loadDefinitions(fileURLToPath(new URL('.', import.meta.url)));
// On duty around the clock, so the runs do not depend on the hour the tests run at.
const coworkers: CoworkerDefinition[] = definitions.map(({ definition }) => ({
  ...definition,
  workingHours: { days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'], start: '00:00', end: '00:00' },
}));

const stops: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const stop of stops.splice(0).reverse()) await stop();
});

async function start() {
  const bus = createMemoryBus();
  const store = createSqliteStore({ path: ':memory:' });
  const connectors = createSampleConnectors();
  const served = await Promise.all(connectors.map((connector) => serveConnector({ bus, connector, documents: store.documents, grants: grantsFromStore(store), logger })));
  const runTask = createAgentRunner({
    model: new ScriptedChatModel({ playbooks: examplePlaybooks }),
    tools: connectors.flatMap((connector) => connector.specs),
    callTool: createToolClient({ bus }).call,
  });
  const host = createCoworkerHost({ definitions: coworkers, bus, store, logger, runTask });
  const recorder = createAuditRecorder({ bus, store, logger });
  const events: CoworkerEvent[] = [];
  const subscription = await bus.subscribe(subjects.allEvents, (message) => events.push(message.data as CoworkerEvent));
  await recorder.start();
  await host.start();
  stops.push(async () => {
    await subscription.stop();
    await host.stop();
    await recorder.stop();
    await Promise.all(served.map((s) => s.stop()));
    await store.close();
  });

  let counter = 0;
  const command = (coworkerId: string, body: Record<string, unknown>) => {
    const id = `cmd-${++counter}`;
    return bus.publish(subjects.command(coworkerId), { v: PROTOCOL_VERSION, id, coworkerId, at: Date.now(), ...body }, { msgId: id });
  };
  const runJob = (coworkerId: string, jobId: string, extra: Partial<Task> = {}) => {
    const job = coworkers.find((c) => c.id === coworkerId)!.jobs.find((j) => j.id === jobId)!;
    return command(coworkerId, { type: 'task.assign', task: { id: `${jobId}-run`, text: job.instructions, source: 'schedule', requestedBy: 'schedule', jobId, createdAt: Date.now(), ...extra } });
  };
  const nextApproval = async (coworkerId: string, tool: string): Promise<PendingApprovalView> => {
    const found = await waitFor(async () => events.find((e) => e.type === 'approval.requested' && e.coworkerId === coworkerId && e.approval.tool === tool), `${coworkerId} to ask for ${tool}`);
    return found.type === 'approval.requested' ? found.approval : expect.unreachable();
  };
  const report = (coworkerId: string) =>
    waitFor(async () => events.find((e) => e.type === 'message' && e.coworkerId === coworkerId && e.to.kind === 'manager' && !e.text.startsWith('Blocked')), `${coworkerId}'s report`);
  return { connectors, command, runJob, nextApproval, report, store };
}

describe('the example jobs, offline', () => {
  it('ava logs the weekly ad figures, posts the summary, and emails the agency once approved', async () => {
    const { connectors, command, runJob, nextApproval, report } = await start();
    await runJob('ava', 'weekly-ad-report');
    const email = await nextApproval('ava', 'email.send');
    expect(email.args).toMatchObject({ to: ['agency@example.com'] });
    expect(findSample(connectors, 'sheets').rows).toHaveLength(6);
    expect(findSample(connectors, 'slack').posts).toMatchObject([{ channel: '#ad-performance' }]);
    await command('ava', { type: 'approval.decide', approvalId: email.id, decision: 'approved', by: 'U04MARIA01' });
    expect(await report('ava')).toMatchObject({ to: { id: 'U04MARIA01' }, text: expect.stringContaining('[scripted model') });
    expect(findSample(connectors, 'email').sent).toHaveLength(1);
  });

  it('sam drafts a follow-up for a stale deal, and sends it and updates the deal only when approved', async () => {
    const { connectors, command, runJob, nextApproval, report } = await start();
    await runJob('sam', 'revive-stale-deal', { source: 'trigger', requestedBy: 'trigger:crm.deal.stale', trigger: { id: 'e1', event: 'crm.deal.stale', data: { dealId: 'D-1063', pipeline: 'new-business' } } });
    const email = await nextApproval('sam', 'email.send');
    expect(email.args).toMatchObject({ to: ['dana.ortiz@umbrella.example'] });
    expect(findSample(connectors, 'email').drafts).toHaveLength(1);
    expect(findSample(connectors, 'email').sent).toHaveLength(0);
    await command('sam', { type: 'approval.decide', approvalId: email.id, decision: 'approved', by: 'U04PRIYA03' });
    const update = await nextApproval('sam', 'crm.updateDeal');
    await command('sam', { type: 'approval.decide', approvalId: update.id, decision: 'approved', by: 'U04DANIEL2' });
    await report('sam');
    expect(findSample(connectors, 'email').sent).toHaveLength(1);
    expect(findSample(connectors, 'crm').deals.find((deal) => deal.id === 'D-1063')?.nextStep).toBe('Call to agree on the next step');
  });

  it('otto sends the Monday briefing to its manager without asking', async () => {
    const { connectors, runJob, report } = await start();
    await runJob('otto', 'monday-briefing');
    expect(await report('otto')).toMatchObject({ text: expect.stringContaining('Monday briefing sent to Daniel') });
    expect(findSample(connectors, 'slack').posts).toMatchObject([{ channel: 'U04DANIEL2', text: expect.stringContaining('*Your week*') }]);
  });
});
