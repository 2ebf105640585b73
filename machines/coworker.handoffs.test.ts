// Handoffs between two coworker machines, wired by hand the way the relay wires them: the
// sender's `handoff.offered` becomes the receiver's `handoff.offer`, the receiver's
// `handoff.answered` the sender's `handoff.answer`.
import { describe, expect, it } from 'vitest';
import { createActor, fromPromise } from 'xstate';
import type { Task } from '../protocol/index.ts';
import { coworkerMachine } from './coworker.machine.ts';
import { statusOf } from './coworker.status.ts';
import type { CoworkerEmitted, CoworkerEvent, CoworkerPolicy, HandoffTask, RunInput, RunOutcome } from './coworker.types.ts';

const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 10, 25, 9, 0);
const SAM = { id: 'sam', name: 'Sam', team: 'sales' };
const OTTO = { id: 'otto', name: 'Otto', team: 'sales' };
const AVA = { id: 'ava', name: 'Ava', team: 'marketing' };

function policyFor(team: string, manager: string, overrides: Partial<CoworkerPolicy> = {}): CoworkerPolicy {
  return { manager, approvers: [manager], deadlineMs: HOUR, escalation: ['remind', 'block'], team, handoffs: { acceptFrom: [team], maxBacklog: 20 }, ...overrides };
}

function task(id: string, requestedBy = 'UASKER'): Task {
  return { id, text: `do ${id}`, source: 'person', requestedBy, createdAt: T0, replyTo: { channel: 'C1', threadTs: '1.1' } };
}

function handoffTask(id: string, from = SAM, extra: Partial<HandoffTask['handoff']> = {}): HandoffTask {
  return {
    id,
    text: 'Book the demo',
    source: 'handoff',
    requestedBy: from.id,
    createdAt: T0,
    handoff: { from, originTaskId: 't1', summary: 'Ann wants a demo', artifacts: { deal: 'd1' }, questions: ['Which day?'], by: from.id, onBehalfOf: 'UASKER', ...extra },
  };
}

/** A coworker whose runner answers with whatever the test resolves, on duty from the start. */
function coworker(id: string, policy: CoworkerPolicy) {
  const runs: Array<{ input: RunInput; resolve: (outcome: RunOutcome) => void }> = [];
  const machine = coworkerMachine.provide({
    actors: { runTask: fromPromise<RunOutcome, RunInput>(({ input }) => new Promise((resolve) => runs.push({ input, resolve }))) },
  });
  const actor = createActor(machine, { input: { coworkerId: id, policy, now: T0 } });
  const emitted: CoworkerEmitted[] = [];
  actor.on('*', (event) => emitted.push(event));
  actor.start();
  actor.send({ type: 'shift.start', at: T0 });
  const send = (event: CoworkerEvent) => actor.send(event);
  const status = () => statusOf(actor.getSnapshot());
  const context = () => actor.getSnapshot().context;
  const ofType = <T extends CoworkerEmitted['type']>(type: T) => emitted.filter((event): event is Extract<CoworkerEmitted, { type: T }> => event.type === type);
  const audits = () => ofType('audit').map((event) => event.entry.kind);
  return { actor, runs, emitted, send, status, context, ofType, audits };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

/** What the relay does: offered → offer, answered → answer. */
function relayOffer(from: ReturnType<typeof coworker>, to: ReturnType<typeof coworker>): void {
  const offered = from.ofType('handoff.offered').at(-1)!;
  to.send({ type: 'handoff.offer', task: offered.task, at: T0 + 10 });
}
function relayAnswer(from: ReturnType<typeof coworker>, to: ReturnType<typeof coworker>): void {
  const answer = from.ofType('handoff.answered').at(-1)!;
  to.send({ type: 'handoff.answer', originTaskId: answer.originTaskId, taskId: answer.taskId, outcome: answer.outcome, by: from.context().coworkerId, ...(answer.reason ? { reason: answer.reason } : {}), at: T0 + 20 });
}

/** Sam runs t1 and offers it to `to`; returns both sides. */
async function offerFromSam(receiverPolicy: CoworkerPolicy, to = OTTO, taskExtra: Partial<HandoffTask['handoff']> = {}) {
  const sam = coworker('sam', policyFor('sales', 'USALESMGR'));
  const receiver = coworker(to.id, receiverPolicy);
  sam.send({ type: 'task.assign', task: task('t1'), at: T0 });
  sam.runs[0]!.resolve({ kind: 'handoff', task: handoffTask('h1', SAM, taskExtra), to, run: { turn: 1 }, at: T0 + 1 });
  await settle();
  return { sam, receiver };
}

describe('coworker machine: handoffs', () => {
  it('offers the running task and waits; once the receiver takes it, the run ends and the requester is told', async () => {
    const { sam, receiver: otto } = await offerFromSam(policyFor('sales', 'USALESMGR'));
    expect(sam.status()).toMatchObject({ state: { status: 'awaitingApproval' }, currentTaskId: 't1', deadline: T0 + 1 + HOUR });
    expect(sam.status().waitingFor).toContain('Otto (sales) to take the handoff');
    expect(sam.audits()).toContain('handoff.offered');

    relayOffer(sam, otto);
    expect(otto.status()).toMatchObject({ state: { status: 'working' }, currentTaskId: 'h1' });
    expect(otto.runs[0]?.input.task.handoff).toMatchObject({ from: SAM, summary: 'Ann wants a demo', questions: ['Which day?'] });
    expect(otto.ofType('handoff.answered')).toEqual([{ type: 'handoff.answered', to: 'sam', originTaskId: 't1', taskId: 'h1', outcome: 'accepted' }]);
    expect(otto.audits()).toContain('handoff.received');

    relayAnswer(otto, sam);
    // Exactly one owner: Sam has let go of t1, Otto runs h1.
    expect(sam.status()).toMatchObject({ state: { status: 'idle' }, backlog: 0 });
    expect(sam.context().current).toBeNull();
    expect(sam.context().offers).toEqual([]);
    expect(sam.ofType('message')).toContainEqual({ type: 'message', to: { kind: 'user', id: 'UASKER' }, text: 'Sam handed your task to Otto (sales).', taskId: 't1', thread: { channel: 'C1', threadTs: '1.1' } });
    expect(sam.audits()).toEqual(expect.arrayContaining(['handoff.offered', 'handoff.accepted', 'run.finished']));
    expect(sam.runs).toHaveLength(1);

    // Otto's report goes to its manager and to the person who asked Sam in the first place.
    otto.runs[0]!.resolve({ kind: 'done', summary: 'Demo booked.', at: T0 + 30 });
    await settle();
    expect(otto.ofType('message').map((message) => message.to)).toEqual([{ kind: 'manager', id: 'USALESMGR' }, { kind: 'user', id: 'UASKER' }]);
  });

  it('declines by policy, outside the model: another team without approval, or a full backlog; the sender goes on with the reason', async () => {
    const { sam, receiver: ava } = await offerFromSam(policyFor('marketing', 'UMKTMGR'), AVA);
    relayOffer(sam, ava);
    expect(ava.status().backlog).toBe(0);
    expect(ava.runs).toHaveLength(0);
    const [answer] = ava.ofType('handoff.answered');
    expect(answer).toMatchObject({ outcome: 'declined', reason: expect.stringContaining('takes handoffs from marketing only') });
    expect(ava.audits()).toEqual(['handoff.declined']);

    relayAnswer(ava, sam);
    expect(sam.status()).toMatchObject({ state: { status: 'working' }, currentTaskId: 't1' });
    expect(sam.runs[1]?.input).toMatchObject({ run: { turn: 1 }, notes: [{ kind: 'handoff', outcome: 'declined', to: 'Ava', reason: answer!.reason }] });
    expect(sam.audits()).toEqual(['handoff.offered', 'handoff.declined']);

    const full = coworker('otto', policyFor('sales', 'USALESMGR', { handoffs: { acceptFrom: ['sales'], maxBacklog: 1 } }));
    full.send({ type: 'task.assign', task: task('busy'), at: T0 });
    full.send({ type: 'task.assign', task: task('queued'), at: T0 });
    full.send({ type: 'handoff.offer', task: handoffTask('h2'), at: T0 });
    expect(full.ofType('handoff.answered').at(-1)).toMatchObject({ outcome: 'declined', reason: 'its backlog is full (1 tasks waiting)' });
  });

  it('takes a cross-team handoff its manager approved, and anything from a coworker or team it lists', async () => {
    const { sam, receiver: ava } = await offerFromSam(policyFor('marketing', 'UMKTMGR'), AVA, { approvedBy: 'UMKTMGR' });
    relayOffer(sam, ava);
    expect(ava.ofType('handoff.answered').at(-1)).toMatchObject({ outcome: 'accepted' });

    // Approved by someone who is not Ava's manager or approver: counts for nothing.
    const strict = coworker('ava', policyFor('marketing', 'UMKTMGR'));
    strict.send({ type: 'handoff.offer', task: handoffTask('h2', SAM, { approvedBy: 'USALESMGR' }), at: T0 });
    expect(strict.ofType('handoff.answered').at(-1)).toMatchObject({ outcome: 'declined' });

    const open = coworker('ava', policyFor('marketing', 'UMKTMGR', { handoffs: { acceptFrom: ['sam'], maxBacklog: 20 } }));
    open.send({ type: 'handoff.offer', task: handoffTask('h3'), at: T0 });
    expect(open.ofType('handoff.answered').at(-1)).toMatchObject({ outcome: 'accepted' });
  });

  it('answers a repeated offer with its first answer, queues it once, and ignores a repeated answer', async () => {
    const { sam, receiver: otto } = await offerFromSam(policyFor('sales', 'USALESMGR'));
    relayOffer(sam, otto);
    relayOffer(sam, otto);
    expect(otto.context().recentTaskIds.filter((id) => id === 'h1')).toHaveLength(1);
    expect(otto.runs).toHaveLength(1);
    expect(otto.ofType('handoff.answered').map((answer) => answer.outcome)).toEqual(['accepted', 'accepted']);
    expect(otto.audits().filter((kind) => kind === 'handoff.received')).toHaveLength(1);

    relayAnswer(otto, sam);
    relayAnswer(otto, sam);
    expect(sam.status().state.status).toBe('idle');
    expect(sam.audits().filter((kind) => kind === 'handoff.accepted')).toHaveLength(1);

    const ava = coworker('ava', policyFor('marketing', 'UMKTMGR'));
    ava.send({ type: 'handoff.offer', task: handoffTask('h9'), at: T0 });
    ava.send({ type: 'handoff.offer', task: handoffTask('h9'), at: T0 + 1 });
    expect(ava.ofType('handoff.answered').map((answer) => [answer.outcome, answer.reason])).toEqual([
      ['declined', expect.stringContaining('marketing only')],
      ['declined', expect.stringContaining('marketing only')],
    ]);
  });

  it('lets a person move a queued task: atomically on acceptance, back to the front of the backlog on a decline', async () => {
    const sam = coworker('sam', policyFor('sales', 'USALESMGR'));
    const otto = coworker('otto', policyFor('sales', 'UOTTOMGR'));
    sam.send({ type: 'task.assign', task: task('t1'), at: T0 });
    sam.send({ type: 'task.assign', task: task('t2'), at: T0 });
    sam.send({ type: 'task.assign', task: task('t3'), at: T0 });
    sam.send({ type: 'task.reassign', taskId: 't2', from: SAM, to: OTTO, toApprovers: ['UOTTOMGR'], by: 'USALESMGR', at: T0 + 5 });
    // Offered, not runnable here any more, not yet Otto's.
    expect(sam.status().backlog).toBe(1);
    expect(sam.context().offers?.map((offer) => offer.original.id)).toEqual(['t2']);
    relayOffer(sam, otto);
    expect(otto.context().backlog.length + (otto.context().current ? 1 : 0)).toBe(1);
    relayAnswer(otto, sam);
    expect(sam.context().offers).toEqual([]);
    expect(sam.context().backlog.map((queued) => queued.id)).toEqual(['t3']);
    expect(sam.ofType('message').at(-1)).toMatchObject({ to: { kind: 'user', id: 'UASKER' }, text: 'USALESMGR moved your task from Sam to Otto (sales).' });

    const ava = coworker('ava', policyFor('marketing', 'UMKTMGR'));
    sam.send({ type: 'task.reassign', taskId: 't3', from: SAM, to: AVA, toApprovers: ['UMKTMGR'], by: 'USALESMGR', at: T0 + 6 });
    relayOffer(sam, ava);
    relayAnswer(ava, sam);
    expect(sam.context().backlog.map((queued) => queued.id)).toEqual(['t3']);
    expect(sam.ofType('message').at(-1)).toMatchObject({ to: { kind: 'user', id: 'USALESMGR' }, text: expect.stringContaining('Ava declined "do t3"') });
    expect(sam.audits()).toEqual(['handoff.offered', 'handoff.accepted', 'handoff.offered', 'handoff.declined']);

    // Ava's manager moving it approves it for Ava: across teams, taken.
    sam.send({ type: 'task.reassign', taskId: 't3', from: SAM, to: AVA, toApprovers: ['UMKTMGR'], by: 'UMKTMGR', at: T0 + 7 });
    relayOffer(sam, ava);
    expect(ava.ofType('handoff.answered').at(-1)).toMatchObject({ outcome: 'accepted' });
    relayAnswer(ava, sam);
    expect(sam.context().backlog).toEqual([]);
  });

  it('refuses to move the running task, a task it does not have, or for someone who is not its manager', () => {
    const sam = coworker('sam', policyFor('sales', 'USALESMGR'));
    sam.send({ type: 'task.assign', task: task('t1'), at: T0 });
    sam.send({ type: 'task.reassign', taskId: 't1', from: SAM, to: OTTO, toApprovers: ['UOTTOMGR'], by: 'USALESMGR', at: T0 });
    sam.send({ type: 'task.reassign', taskId: 'nope', from: SAM, to: OTTO, toApprovers: ['UOTTOMGR'], by: 'cli:ops', at: T0 });
    sam.send({ type: 'task.reassign', taskId: 't1', from: SAM, to: OTTO, toApprovers: ['UOTTOMGR'], by: 'USTRANGER', at: T0 });
    expect(sam.ofType('handoff.refused').map((refusal) => refusal.reason)).toEqual([
      expect.stringContaining('working on it right now'),
      'sam has no queued task nope',
      expect.stringContaining("only sam's manager (USALESMGR), an approver, or Otto's manager"),
    ]);
    expect(sam.ofType('handoff.offered')).toEqual([]);
    expect(sam.status()).toMatchObject({ state: { status: 'working' }, currentTaskId: 't1' });
  });

  it('reminds the manager when nobody answers the offer, then keeps waiting until it is answered or cancelled', async () => {
    const { sam } = await offerFromSam(policyFor('sales', 'USALESMGR'));
    sam.send({ type: 'deadline.reached', at: T0 + 1 + HOUR });
    sam.send({ type: 'deadline.reached', at: T0 + 1 + 2 * HOUR });
    expect(sam.ofType('message').map((message) => message.text)).toEqual([
      expect.stringContaining('Still waiting for Otto (sales) to answer the handoff of "do t1".'),
      expect.stringContaining('I keep waiting. Cancel the task to stop.'),
    ]);
    expect(sam.status()).toMatchObject({ state: { status: 'awaitingApproval' } });
    expect(sam.status().deadline).toBeUndefined();
    sam.send({ type: 'task.cancel', taskId: 't1', by: 'USALESMGR', at: T0 + 3 * HOUR });
    expect(sam.status().state.status).toBe('idle');
    expect(sam.context().offers).toEqual([]);
    // A late acceptance finds nothing to let go of: the receiver is the one owner.
    sam.send({ type: 'handoff.answer', originTaskId: 't1', taskId: 'h1', outcome: 'accepted', by: 'otto', at: T0 + 4 * HOUR });
    expect(sam.audits().filter((kind) => kind === 'handoff.accepted')).toEqual([]);
  });

  it('lets only the approvers a request names decide it: a cross-team handoff goes to the receiving manager', async () => {
    const sam = coworker('sam', policyFor('sales', 'USALESMGR'));
    sam.send({ type: 'task.assign', task: task('t1'), at: T0 });
    const request = {
      id: 'apr-h',
      toolCallId: 'c1',
      tool: 'handoff',
      args: { to: 'ava', task: 'Write the case study' },
      risk: 'handoff',
      reason: 'a handoff across teams',
      summary: 'handoff (to: ava)',
      argsHash: 'x',
      policyVersion: 'p',
      taskId: 't1',
      approvers: ['UMKTMGR'],
    };
    sam.runs[0]!.resolve({ kind: 'approvalNeeded', requests: [request], run: {}, at: T0 + 1 });
    await settle();
    expect(sam.ofType('approval.requested')[0]?.approval.approvers).toEqual(['UMKTMGR']);
    expect(sam.status().approvals?.[0]?.approvers).toEqual(['UMKTMGR']);
    sam.send({ type: 'approval.decide', approvalId: 'apr-h', decision: 'approved', by: 'USALESMGR', at: T0 + 2 });
    expect(sam.ofType('decision.refused')).toEqual([{ type: 'decision.refused', approvalId: 'apr-h', by: 'USALESMGR', reason: 'not an approver of this coworker' }]);
    sam.send({ type: 'approval.decide', approvalId: 'apr-h', decision: 'approved', by: 'UMKTMGR', at: T0 + 3 });
    expect(sam.status().state.status).toBe('working');
  });

  it('keeps a pending offer through persist and restore', async () => {
    const { sam, receiver: otto } = await offerFromSam(policyFor('sales', 'USALESMGR'));
    const persisted = JSON.parse(JSON.stringify(sam.actor.getPersistedSnapshot()));
    sam.actor.stop();
    const restored = createActor(coworkerMachine, { snapshot: persisted, input: { coworkerId: 'sam', policy: policyFor('sales', 'USALESMGR'), now: T0 } }).start();
    expect(statusOf(restored.getSnapshot()).waitingFor).toContain('Otto');
    relayOffer(sam, otto);
    const answer = otto.ofType('handoff.answered')[0]!;
    restored.send({ type: 'handoff.answer', originTaskId: 't1', taskId: answer.taskId, outcome: 'accepted', by: 'otto', at: T0 + 5 });
    expect(statusOf(restored.getSnapshot())).toMatchObject({ state: { status: 'idle' } });
    expect(restored.getSnapshot().context.current).toBeNull();
  });
});
