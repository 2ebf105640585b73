// Handoffs end to end in one process: the real host with the agent runner (a scripted model per
// coworker), the handoff relay, the audit recorder, an in-process bus and a SQLite store. Each
// test ends with exactly one owner of the work, the requester told, and both audit trails.
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createControlClient, decideApproval, listApprovals, reassignTask, startControlServer } from '../gateway/index.ts';
import type { CoworkerContext } from '../machines/index.ts';
import { createMemoryBus } from '../messaging/index.ts';
import { createSqliteStore } from '../persistence/index.ts';
import { PROTOCOL_VERSION, coworkerDefinitionSchema, ephemeralSigner, subjects, trustingOnly, type CommandType, type CoworkerDefinition, type CoworkerEvent } from '../protocol/index.ts';
import { waitFor } from '../tests/helpers.ts';
import { createAgentRunner, createAuditRecorder, createCoworkerHost, createHandoffRelay, coworkerLookup, ScriptedChatModel, type Conversation, type Playbook } from './index.ts';

const logger = pino({ level: 'silent' });
/** The runtime's key, and the key people's decisions are signed with here: one process, one key. */
const signer = ephemeralSigner();
const ASKER = 'UASKER';
const SALES_MANAGER = 'USALESMGR';
const MARKETING_MANAGER = 'UMKTMGR';
const THREAD = { channel: 'C0SALES', threadTs: '1700000000.000100' };

function definition(id: string, team: string, manager: string, extra: Record<string, unknown> = {}): CoworkerDefinition {
  return coworkerDefinitionSchema.parse({
    id,
    name: `${id[0]!.toUpperCase()}${id.slice(1)}`,
    role: 'Test coworker',
    team,
    manager: { name: `Manager ${manager}`, slack: manager, email: 'manager@example.com' },
    timezone: 'UTC',
    workingHours: { days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'], start: '00:00', end: '00:00' },
    ...extra,
  });
}

const stops: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const stop of stops.splice(0).reverse()) await stop();
});

/** Sam and Otto in sales, Olga in sales taking work only from Ava, Ava in marketing. Playbooks by the coworker's name. */
async function start(playbooks: Record<string, Playbook>) {
  const bus = createMemoryBus();
  const store = createSqliteStore({ path: ':memory:' });
  const definitions = [
    definition('sam', 'sales', SALES_MANAGER),
    definition('otto', 'sales', SALES_MANAGER),
    definition('olga', 'sales', SALES_MANAGER, { handoffs: { acceptFrom: ['ava'] } }),
    definition('ava', 'marketing', MARKETING_MANAGER),
  ];
  const prompts: Record<string, string[]> = {};
  const model = new ScriptedChatModel({
    fallback: (conversation: Conversation) => {
      (prompts[conversation.persona] ??= []).push(conversation.task);
      return (playbooks[conversation.persona] ?? (() => ({ text: `${conversation.persona} did: ${conversation.task.split('\n')[0]}` })))(conversation);
    },
  });
  const runTask = createAgentRunner({ model, tools: [], callTool: async () => ({ result: null, replayed: false }), signer, coworkers: coworkerLookup(store) });
  const events: CoworkerEvent[] = [];
  const subscription = await bus.subscribe(subjects.allEvents, (message) => events.push(message.data as CoworkerEvent));
  const recorder = createAuditRecorder({ bus, store, logger });
  const relay = createHandoffRelay({ bus, logger, signer });
  const host = createCoworkerHost({ definitions, bus, store, logger, trust: trustingOnly(signer), runTask });
  await recorder.start();
  await relay.start();
  await host.start();
  stops.push(async () => {
    await subscription.stop();
    await host.stop();
    await relay.stop();
    await recorder.stop();
    await store.close();
  });

  const assign = (coworkerId: string, id: string, text: string) =>
    bus.publish(
      subjects.command('task', coworkerId),
      { v: PROTOCOL_VERSION, id, coworkerId, at: Date.now(), type: 'task.assign', task: { id, text, source: 'person', requestedBy: ASKER, createdAt: Date.now(), replyTo: THREAD } },
      { msgId: id },
    );
  const send = (coworkerId: string, body: Record<string, unknown>) => {
    const id = `cmd-${Math.random()}`;
    return bus.publish(subjects.commandFor({ coworkerId, type: body.type as CommandType }), { v: PROTOCOL_VERSION, id, coworkerId, at: Date.now(), ...body }, { msgId: id });
  };
  /** Which coworkers hold any of these tasks (running, queued, or offered and not yet answered), from the stored snapshots. */
  const owners = async (...taskIds: string[]) => {
    const records = await store.loadCoworkers();
    return records
      .filter((record) => {
        const context = (record.snapshot as { machine: { context: CoworkerContext } } | null)?.machine.context;
        const held = [context?.current?.task, ...(context?.backlog ?? []), ...(context?.offers ?? []).map((offer) => offer.original)];
        return held.some((task) => task && taskIds.includes(task.id));
      })
      .map((record) => record.id)
      .sort();
  };
  /** Idle with nothing queued, stored so, after having said something (so not merely before its task arrived). */
  const idle = (coworkerId: string) =>
    waitFor(async () => {
      const stored = (await store.getCoworker(coworkerId))?.status;
      const spoke = events.some((event) => event.coworkerId === coworkerId && event.type === 'message');
      return spoke && stored?.state.status === 'idle' && stored.backlog === 0 && host.status(coworkerId)?.state.status === 'idle';
    }, `${coworkerId} idle`);
  // Sorted: entries of the runner and of the machine written in the same millisecond have no order between them.
  const trail = async (coworkerId: string): Promise<string[]> => (await store.queryAudit({ coworkerId })).map((entry) => entry.kind).sort();
  const trailHas = (coworkerId: string, kinds: string[]) =>
    waitFor(async () => {
      const entries = await trail(coworkerId);
      return kinds.every((kind) => entries.includes(kind)) && entries;
    }, `${coworkerId}'s trail to have ${kinds.join(', ')}`);
  const messagesTo = (id: string) => events.filter((event): event is Extract<CoworkerEvent, { type: 'message' }> => event.type === 'message' && event.to.id === id);
  return { bus, store, host, events, prompts, assign, send, owners, idle, trail, trailHas, messagesTo };
}

/** Sam hands the task over at once with its context; after a refusal or decline he does it himself. */
const samHandsTo =
  (to: string): Playbook =>
  ({ turn, latest }) =>
    turn === 0
      ? { calls: [{ tool: 'handoff', args: { to, task: 'Write the case study for Acme', summary: 'Acme signed; Ann is the champion.', artifacts: { deal: 'd-42', doc: 'https://docs.example/acme' }, questions: ['Can we name Ann?'] } }] }
      : { text: `Sam did it himself after: ${latest.join(' | ')}` };

describe('handoffs between coworkers', () => {
  it('inside a team: the receiver takes it by its policy, the sender lets go, the requester is told, both trails record it', async () => {
    const runtime = await start({ Sam: samHandsTo('otto') });
    await runtime.assign('sam', 'task-1', 'Acme case study');
    await runtime.idle('sam');
    await runtime.idle('otto');

    const offered = runtime.events.find((event) => event.type === 'handoff.offered');
    const newTaskId = offered?.type === 'handoff.offered' ? offered.task.id : '';
    expect(await runtime.owners('task-1', newTaskId)).toEqual([]); // both done: nobody holds it any more
    expect(runtime.messagesTo(ASKER).map((message) => [message.text, message.thread])).toEqual([
      ['Sam handed your task to Otto (sales).', THREAD],
      [expect.stringContaining('Otto did: Write the case study for Acme'), THREAD],
    ]);
    // Otto's run got the context, marked as coming from another coworker.
    expect(runtime.prompts.Otto?.[0]).toContain('handed to you by Sam (sales team), another coworker');
    expect(runtime.prompts.Otto?.[0]).toContain('Acme signed; Ann is the champion.');
    expect(runtime.prompts.Otto?.[0]).toContain('https://docs.example/acme');
    expect(runtime.prompts.Otto?.[0]).toContain('- Can we name Ann?');
    expect(runtime.prompts.Sam).toHaveLength(1); // the run ended at the handoff

    expect(await runtime.trailHas('sam', ['handoff.accepted', 'run.finished'])).toEqual(['run.started', 'tool.proposed', 'tool.classified', 'handoff.offered', 'handoff.accepted', 'run.finished'].sort());
    expect(await runtime.trailHas('otto', ['run.finished'])).toEqual(['handoff.received', 'run.started', 'run.finished'].sort());
  });

  it('inside a team, declined by the receiver\'s policy: the sender\'s model hears why and goes on', async () => {
    const runtime = await start({ Sam: samHandsTo('olga') });
    await runtime.assign('sam', 'task-2', 'Acme case study');
    await runtime.idle('sam');
    expect(await runtime.owners('task-2')).toEqual([]);
    expect(runtime.messagesTo(ASKER).at(-1)?.text).toContain('Olga declined: it takes handoffs from ava only');
    expect(await runtime.trailHas('olga', ['handoff.declined'])).toEqual(['handoff.declined'].sort());
    expect(await runtime.trailHas('sam', ['handoff.declined', 'run.finished'])).toEqual(['run.started', 'tool.proposed', 'tool.classified', 'handoff.offered', 'handoff.declined', 'run.finished'].sort());
  });

  it('across teams, approved by the receiving manager (not the sender\'s): exactly one owner, requester told, both trails', async () => {
    const runtime = await start({ Sam: samHandsTo('ava'), Ava: () => ({ calls: [{ tool: 'ask_manager', args: { question: 'Can we name Ann?' } }] }) });
    await runtime.assign('sam', 'task-3', 'Acme case study');
    const approval = await waitFor(async () => (await listApprovals(runtime.store))[0], 'the handoff approval, stored');
    expect(approval).toMatchObject({ tool: 'handoff', approvers: [MARKETING_MANAGER], reason: expect.stringContaining('across teams (sales → marketing)') });
    expect(await runtime.owners('task-3')).toEqual(['sam']);

    const deps = { bus: runtime.bus, store: runtime.store, now: Date.now, signer };
    expect(await decideApproval(deps, { approvalId: approval.id, decision: 'approved', by: SALES_MANAGER })).toMatchObject({ status: 'refused', reason: 'not an approver of this coworker' });
    expect(await decideApproval(deps, { approvalId: approval.id, decision: 'approved', by: MARKETING_MANAGER })).toMatchObject({ status: 'applied' });

    // Ava has it (blocked on her question), Sam has let go.
    await waitFor(async () => runtime.host.status('ava')?.state.status === 'blocked', 'Ava working on it');
    await runtime.idle('sam');
    const offered = runtime.events.find((event) => event.type === 'handoff.offered');
    expect(offered?.type === 'handoff.offered' && offered.task.handoff.approvedBy).toBe(MARKETING_MANAGER);
    expect(await runtime.owners('task-3', offered?.type === 'handoff.offered' ? offered.task.id : '')).toEqual(['ava']);
    expect(runtime.messagesTo(ASKER)[0]).toMatchObject({ text: 'Sam handed your task to Ava (marketing).', thread: THREAD });
    expect(runtime.messagesTo(MARKETING_MANAGER).at(-1)?.text).toContain('Blocked: Can we name Ann?');

    const samTrail = ['run.started', 'tool.proposed', 'tool.classified', 'approval.requested', 'approval.refused', 'approval.decided', 'handoff.offered', 'handoff.accepted', 'run.finished'];
    expect(await runtime.trailHas('sam', ['handoff.accepted'])).toEqual(samTrail.sort());
    const entries = await runtime.store.queryAudit({ coworkerId: 'ava' });
    expect(entries[0]).toMatchObject({ kind: 'handoff.received', summary: expect.stringContaining(`approved by ${MARKETING_MANAGER}`), detail: { from: 'sam', approvedBy: MARKETING_MANAGER } });
  });

  it('across teams, rejected by the receiving manager: the sender\'s model gets "not handed off" and keeps the task', async () => {
    const runtime = await start({ Sam: samHandsTo('ava') });
    await runtime.assign('sam', 'task-4', 'Acme case study');
    const approval = await waitFor(async () => (await listApprovals(runtime.store))[0], 'the handoff approval, stored');
    await decideApproval({ bus: runtime.bus, store: runtime.store, now: Date.now, signer }, { approvalId: approval.id, decision: 'rejected', by: MARKETING_MANAGER, reason: 'we are full this month' });
    await runtime.idle('sam');
    expect(await runtime.owners('task-4')).toEqual([]);
    expect(runtime.events.some((event) => event.type === 'handoff.offered')).toBe(false);
    expect(runtime.host.status('ava')?.backlog).toBe(0);
    expect(runtime.messagesTo(ASKER).at(-1)?.text).toContain(`Not handed off: rejected by ${MARKETING_MANAGER}: we are full this month`);
    expect(await runtime.trailHas('sam', ['run.finished'])).toEqual(['run.started', 'tool.proposed', 'tool.classified', 'approval.requested', 'approval.decided', 'run.finished'].sort());
    expect(await runtime.trail('ava')).toEqual([]);
  });

  it('a person reassigns a queued task: the receiver takes it atomically; the running task is refused', async () => {
    // Sam blocks on his first task, so the second stays queued.
    const runtime = await start({ Sam: ({ task }) => (task.startsWith('first') ? { calls: [{ tool: 'ask_manager', args: { question: 'Which account?' } }] } : { text: 'done' }) });
    await runtime.assign('sam', 'task-5', 'first task');
    await runtime.assign('sam', 'task-6', 'second task');
    await waitFor(async () => runtime.host.status('sam')?.state.status === 'blocked' && runtime.host.status('sam')?.backlog === 1, 'Sam blocked with one queued');
    const deps = { bus: runtime.bus, store: runtime.store, now: Date.now, signer };

    expect(await reassignTask(deps, { coworkerId: 'sam', taskId: 'task-5', to: 'otto', by: SALES_MANAGER })).toMatchObject({ status: 'refused', reason: expect.stringContaining('working on it right now') });
    const moved = await reassignTask(deps, { coworkerId: 'sam', taskId: 'task-6', to: 'otto', by: SALES_MANAGER });
    expect(moved).toMatchObject({ status: 'accepted', to: 'otto' });
    await runtime.idle('otto');
    expect(runtime.host.status('sam')).toMatchObject({ state: { status: 'blocked' }, backlog: 0, currentTaskId: 'task-5' });
    expect(await runtime.owners('task-5')).toEqual(['sam']);
    // Otto finished it, and Sam let go once the answer reached him.
    await waitFor(async () => (await runtime.owners('task-6', moved.status === 'accepted' ? moved.newTaskId : '')).length === 0, 'nobody holding task 6');
    expect(runtime.messagesTo(ASKER).map((message) => message.text)).toEqual([`${SALES_MANAGER} moved your task from Sam to Otto (sales).`, expect.stringContaining('Otto did: second task')]);
    expect(runtime.messagesTo(ASKER)[0]?.thread).toEqual(THREAD);
    expect(runtime.prompts.Otto?.[0]).toContain(`handed to you by ${SALES_MANAGER}, who moved it from Sam`);

    expect(await runtime.trailHas('sam', ['handoff.accepted'])).toEqual(expect.arrayContaining(['handoff.declined', 'handoff.offered', 'handoff.accepted']));
    expect(await runtime.trailHas('otto', ['run.finished'])).toEqual(['handoff.received', 'run.started', 'run.finished'].sort());
    expect(await reassignTask(deps, { coworkerId: 'sam', taskId: 'nope', to: 'ava', by: 'cli:ops' })).toMatchObject({ status: 'refused', reason: 'sam has no queued task nope' });

    // The CLI's path in embedded mode: the control socket of `coworkers up`.
    const socketPath = join(mkdtempSync(join(tmpdir(), 'coworkers-control-')), 'control.sock');
    const control = await startControlServer({ socketPath, bus: runtime.bus, store: runtime.store, logger, signer });
    try {
      await runtime.assign('sam', 'task-7', 'third task');
      await runtime.assign('sam', 'task-8', 'fourth task');
      await waitFor(async () => (await runtime.store.getCoworker('sam'))?.status?.backlog === 2, 'two more tasks queued');
      expect(await createControlClient(socketPath).reassignTask({ coworkerId: 'sam', taskId: 'task-7', to: 'otto', by: 'cli:ops' })).toMatchObject({ status: 'accepted', to: 'otto' });
      // Across teams: the operator's move is declined by Ava's policy; her manager's move is her approval.
      expect(await reassignTask(deps, { coworkerId: 'sam', taskId: 'task-8', to: 'ava', by: 'cli:ops' })).toMatchObject({ status: 'declined', reason: expect.stringContaining('takes handoffs from marketing only') });
      expect(await reassignTask(deps, { coworkerId: 'sam', taskId: 'task-8', to: 'ava', by: MARKETING_MANAGER })).toMatchObject({ status: 'accepted', to: 'ava' });
      // Sam lets go once the answer reaches him (the receivers hold the tasks under their new ids).
      await waitFor(async () => (await runtime.owners('task-7', 'task-8')).length === 0, 'Sam to let go of both');
    } finally {
      await control.close();
    }
    await expect(reassignTask(deps, { coworkerId: 'sam', taskId: 'task-5', to: 'nobody', by: SALES_MANAGER })).rejects.toMatchObject({ code: 'COWORKER_NOT_FOUND' });
  });
});
