import { describe, expect, it } from 'vitest';
import { createActor, fromPromise } from 'xstate';
import { getShortestPaths } from 'xstate/graph';
import type { ApprovalRequest, Task } from '../protocol/index.ts';
import { coworkerMachine } from './coworker.machine.ts';
import { deadlineOf, statusOf } from './coworker.status.ts';
import type { CoworkerEmitted, CoworkerEvent, CoworkerPolicy, RunInput, RunOutcome } from './coworker.types.ts';

const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 10, 23, 9, 0);
const policy: CoworkerPolicy = {
  manager: 'UMANAGER',
  approvers: ['UMANAGER', 'UAPPROVER'],
  deadlineMs: HOUR,
  escalation: ['remind', 'manager', 'block'],
  team: 'marketing',
  handoffs: { acceptFrom: ['marketing'], maxBacklog: 20 },
};

function task(id: string, at = T0): Task {
  return { id, text: `do ${id}`, source: 'person', requestedBy: 'UASKER', createdAt: at };
}

function request(id: string, summary: string, taskId = 't1'): ApprovalRequest {
  return { id, toolCallId: `call-${id}`, tool: 'email.send', args: { to: 'bob@acme.com' }, risk: 'customer-facing', reason: 'gated by default', summary, argsHash: `hash-${id}`, policyVersion: 'p1', taskId };
}

/** A run step that stops for the given approvals, with the runner's state to keep. */
function approvalNeeded(requests: ApprovalRequest[], at = T0) {
  return { kind: 'approvalNeeded' as const, requests, run: { step: 1 }, at };
}

/** A coworker whose runner answers with whatever the test resolves, step by step. */
function startCoworker(options: { policy?: CoworkerPolicy } = {}) {
  const runs: Array<{ input: RunInput; resolve: (outcome: RunOutcome) => void; reject: (error: Error) => void }> = [];
  const machine = coworkerMachine.provide({
    actors: {
      runTask: fromPromise<RunOutcome, RunInput>(({ input }) => new Promise((resolve, reject) => runs.push({ input, resolve, reject }))),
    },
  });
  const actor = createActor(machine, { input: { coworkerId: 'ava', policy: options.policy ?? policy, now: T0 } });
  const emitted: CoworkerEmitted[] = [];
  actor.on('*', (event) => emitted.push(event));
  actor.start();
  const send = (event: CoworkerEvent) => actor.send(event);
  const settle = () => new Promise((resolve) => setTimeout(resolve, 0));
  const status = () => statusOf(actor.getSnapshot());
  return { actor, runs, emitted, send, settle, status };
}

describe('coworker machine', () => {
  it('starts idle and off duty with an empty backlog', () => {
    const { status } = startCoworker();
    expect(status()).toEqual({ state: { status: 'idle', shift: 'offDuty' }, since: T0, backlog: 0 });
  });

  it('queues tasks off duty and starts the first when the shift starts', () => {
    const { send, status, runs } = startCoworker();
    send({ type: 'task.assign', task: task('t1'), at: T0 + 1 });
    send({ type: 'task.assign', task: task('t2'), at: T0 + 2 });
    expect(status()).toMatchObject({ state: { status: 'idle', shift: 'offDuty' }, backlog: 2, waitingFor: 'the start of its shift' });
    expect(runs).toHaveLength(0);
    send({ type: 'shift.start', at: T0 + 10 });
    expect(status()).toMatchObject({ state: { status: 'working', shift: 'onDuty' }, since: T0 + 10, backlog: 1, currentTaskId: 't1' });
    expect(runs[0]?.input).toEqual({ coworkerId: 'ava', task: task('t1'), notes: [], run: null });
  });

  it('ignores a task it has already seen (a redelivered command)', () => {
    const { send, status } = startCoworker();
    send({ type: 'task.assign', task: task('t1'), at: T0 });
    send({ type: 'task.assign', task: task('t1'), at: T0 + 1 });
    expect(status().backlog).toBe(1);
  });

  it('reports a finished task to whoever asked and takes the next one', async () => {
    const { send, status, runs, emitted, settle } = startCoworker();
    send({ type: 'shift.start', at: T0 });
    send({ type: 'task.assign', task: task('t1'), at: T0 });
    send({ type: 'task.assign', task: task('t2'), at: T0 });
    runs[0]!.resolve({ kind: 'done', summary: 'Report sent.', at: T0 + 5 });
    await settle();
    expect(emitted).toContainEqual({ type: 'message', to: { kind: 'user', id: 'UASKER' }, text: 'Report sent.', taskId: 't1' });
    expect(status()).toMatchObject({ state: { status: 'working' }, currentTaskId: 't2', backlog: 0, since: T0 + 5 });
    runs[1]!.resolve({ kind: 'done', summary: 'ok', at: T0 + 6 });
    await settle();
    expect(status()).toMatchObject({ state: { status: 'idle' }, backlog: 0 });
    expect(status().currentTaskId).toBeUndefined();
  });

  it('reports scheduled work to the manager', async () => {
    const { send, runs, emitted, settle } = startCoworker();
    send({ type: 'shift.start', at: T0 });
    send({ type: 'task.assign', task: { ...task('t1'), source: 'schedule', requestedBy: 'schedule' }, at: T0 });
    runs[0]!.resolve({ kind: 'done', summary: 'Weekly report', at: T0 + 5 });
    await settle();
    expect(emitted.at(-1)).toEqual({ type: 'message', to: { kind: 'manager', id: 'UMANAGER' }, text: 'Weekly report', taskId: 't1' });
  });

  it('waits for approval, refuses non-approvers and wrong ids, and resumes with the decision', async () => {
    const { send, status, runs, emitted, settle } = startCoworker();
    send({ type: 'shift.start', at: T0 });
    send({ type: 'task.assign', task: task('t1'), at: T0 });
    runs[0]!.resolve(approvalNeeded([request('a1', 'email bob@acme.com')], T0 + 1));
    await settle();
    expect(status()).toMatchObject({ state: { status: 'awaitingApproval' }, deadline: T0 + 1 + HOUR, waitingFor: expect.stringContaining('UMANAGER, UAPPROVER') });
    expect(emitted).toContainEqual({
      type: 'approval.requested',
      approval: { ...request('a1', 'email bob@acme.com'), approvers: ['UMANAGER', 'UAPPROVER'], requestedAt: T0 + 1, deadline: T0 + 1 + HOUR },
    });
    expect(status().approvals?.map((approval) => approval.id)).toEqual(['a1']);

    send({ type: 'approval.decide', approvalId: 'a1', decision: 'approved', by: 'USTRANGER', at: T0 + 2 });
    send({ type: 'approval.decide', approvalId: 'other', decision: 'approved', by: 'UMANAGER', at: T0 + 2 });
    expect(status().state.status).toBe('awaitingApproval');
    expect(emitted.filter((e) => e.type === 'decision.refused')).toEqual([
      { type: 'decision.refused', approvalId: 'a1', by: 'USTRANGER', reason: 'not an approver of this coworker' },
      { type: 'decision.refused', approvalId: 'other', by: 'UMANAGER', reason: 'no such approval is pending' },
    ]);

    send({ type: 'approval.decide', approvalId: 'a1', decision: 'approved', by: 'UAPPROVER', at: T0 + 3 });
    expect(status().state.status).toBe('working');
    expect(runs[1]?.input.notes).toEqual([{ kind: 'decision', approvalId: 'a1', decision: 'approved', by: 'UAPPROVER', at: T0 + 3 }]);
    expect(runs[1]?.input.run).toEqual({ step: 1 });
    expect(emitted).toContainEqual({ type: 'approval.decided', approvalId: 'a1', taskId: 't1', outcome: 'approved', by: 'UAPPROVER' });
    send({ type: 'approval.decide', approvalId: 'a1', decision: 'approved', by: 'UAPPROVER', at: T0 + 4 });
    const refusals = emitted.filter((e) => e.type === 'decision.refused');
    expect(refusals.at(-1)).toMatchObject({ reason: 'already approved by UAPPROVER' });
    expect(emitted.filter((e) => e.type === 'audit').map((e) => e.type === 'audit' && e.entry.kind)).toEqual([
      'approval.requested',
      'approval.refused',
      'approval.refused',
      'approval.decided',
      'approval.refused',
    ]);
  });

  it('escalates a missed approval deadline: remind, manager, then block', async () => {
    const { send, status, runs, emitted, settle, actor } = startCoworker();
    send({ type: 'shift.start', at: T0 });
    send({ type: 'task.assign', task: task('t1'), at: T0 });
    runs[0]!.resolve(approvalNeeded([request('a1', 'pay invoice')], T0));
    await settle();
    send({ type: 'deadline.reached', at: T0 + HOUR - 1 });
    expect(emitted.filter((e) => e.type === 'message')).toHaveLength(0);

    send({ type: 'deadline.reached', at: T0 + HOUR });
    expect(emitted.filter((e) => e.type === 'message').map((e) => e.type === 'message' && e.to.id)).toEqual(['UMANAGER', 'UAPPROVER']);
    expect(deadlineOf(actor.getSnapshot().context)).toBe(T0 + 2 * HOUR);

    send({ type: 'deadline.reached', at: T0 + 2 * HOUR });
    expect(emitted.filter((e) => e.type === 'message').at(-1)).toMatchObject({ to: { kind: 'manager' }, text: expect.stringContaining('Escalation') });

    send({ type: 'deadline.reached', at: T0 + 3 * HOUR });
    expect(status()).toMatchObject({ state: { status: 'blocked' }, waitingFor: expect.stringContaining('Nobody decided on "pay invoice"') });
  });

  it('auto-rejects on the deadline when the policy says reject, and the run hears of it', async () => {
    const { send, status, runs, settle } = startCoworker({ policy: { ...policy, escalation: ['reject'] } });
    send({ type: 'shift.start', at: T0 });
    send({ type: 'task.assign', task: task('t1'), at: T0 });
    runs[0]!.resolve(approvalNeeded([request('a1', 'pay')], T0));
    await settle();
    send({ type: 'deadline.reached', at: T0 + HOUR });
    expect(status().state.status).toBe('working');
    expect(runs[1]?.input.notes[0]).toMatchObject({ decision: 'rejected', by: 'policy:deadline' });
  });

  it('blocks on a question, tells the manager, and resumes with the manager’s answer only', async () => {
    const { send, status, runs, emitted, settle } = startCoworker();
    send({ type: 'shift.start', at: T0 });
    send({ type: 'task.assign', task: task('t1'), at: T0 });
    runs[0]!.resolve({ kind: 'blocked', question: 'Which budget?', at: T0 + 1 });
    await settle();
    expect(status()).toMatchObject({ state: { status: 'blocked' }, since: T0 + 1, deadline: T0 + 1 + HOUR, blockId: 't1:block:1' });
    expect(emitted).toContainEqual({ type: 'message', to: { kind: 'manager', id: 'UMANAGER' }, text: 'Blocked: Which budget?', taskId: 't1' });

    send({ type: 'block.resolve', blockId: 't1:block:1', answer: 'Q4', by: 'USTRANGER', at: T0 + 2 });
    expect(status().state.status).toBe('blocked');
    send({ type: 'block.resolve', blockId: 't1:block:1', answer: 'Q4', by: 'UMANAGER', at: T0 + 3 });
    expect(status().state.status).toBe('working');
    expect(runs[1]?.input.notes).toEqual([{ kind: 'answer', answer: 'Q4', by: 'UMANAGER', at: T0 + 3 }]);
  });

  it('takes an answer for the block it names only: a replay after the block, or after a new block, answers nothing', async () => {
    const { send, status, runs, emitted, settle, actor } = startCoworker();
    send({ type: 'shift.start', at: T0 });
    send({ type: 'task.assign', task: task('t1'), at: T0 });
    runs[0]!.resolve({ kind: 'blocked', question: 'Extend the budget?', run: { turn: 1 }, at: T0 + 1 });
    await settle();
    const answer = { type: 'block.resolve', blockId: status().blockId!, answer: 'extend', by: 'UMANAGER', at: T0 + 2 } as const;
    send(answer);
    expect(status().state.status).toBe('working');
    expect(runs).toHaveLength(2);

    send({ ...answer, at: T0 + 3 }); // replayed while the run goes on
    expect(status().state.status).toBe('working');
    expect(actor.getSnapshot().context.current?.notes).toEqual([{ kind: 'answer', answer: 'extend', by: 'UMANAGER', at: T0 + 2 }]);

    runs[1]!.resolve({ kind: 'blocked', question: 'Extend it again?', run: { turn: 2 }, at: T0 + 4 });
    await settle();
    expect(status()).toMatchObject({ state: { status: 'blocked' }, blockId: 't1:block:2', waitingFor: expect.stringContaining('Extend it again?') });
    const before = emitted.length;
    send({ ...answer, at: T0 + 5 }); // replayed again, now that a new block is open
    expect(status()).toMatchObject({ state: { status: 'blocked' }, blockId: 't1:block:2', since: T0 + 4 });
    expect(runs).toHaveLength(2);
    expect(emitted.slice(before)).toEqual([]);

    send({ ...answer, blockId: 't1:block:2', answer: 'once more', at: T0 + 6 });
    expect(runs[2]?.input.notes).toEqual([{ kind: 'answer', answer: 'once more', by: 'UMANAGER', at: T0 + 6 }]);
  });

  it('numbers blocks across a persist and restore, so an answer to an old block stays unanswered', async () => {
    const { send, status, runs, settle, actor } = startCoworker();
    send({ type: 'shift.start', at: T0 });
    send({ type: 'task.assign', task: task('t1'), at: T0 });
    runs[0]!.resolve({ kind: 'blocked', question: 'Which?', at: T0 + 1 });
    await settle();
    send({ type: 'block.resolve', blockId: 't1:block:1', answer: 'that', by: 'UMANAGER', at: T0 + 2 });
    runs[1]!.resolve({ kind: 'blocked', question: 'And now?', at: T0 + 3 });
    await settle();
    expect(status().blockId).toBe('t1:block:2');
    const persisted = JSON.parse(JSON.stringify(actor.getPersistedSnapshot()));
    actor.stop();

    const restored = createActor(coworkerMachine, { snapshot: persisted, input: { coworkerId: 'ava', policy, now: T0 } }).start();
    expect(statusOf(restored.getSnapshot())).toMatchObject({ state: { status: 'blocked' }, blockId: 't1:block:2' });
    restored.send({ type: 'block.resolve', blockId: 't1:block:1', answer: 'that', by: 'UMANAGER', at: T0 + 4 });
    expect(statusOf(restored.getSnapshot())).toMatchObject({ state: { status: 'blocked' }, blockId: 't1:block:2' });
  });

  it('blocks when the run fails, with the failure in the question', async () => {
    const { send, status, runs, settle } = startCoworker();
    send({ type: 'shift.start', at: T0 });
    send({ type: 'task.assign', task: task('t1'), at: T0 });
    runs[0]!.reject(new Error('crm is down'));
    await settle();
    expect(status()).toMatchObject({ state: { status: 'blocked' }, waitingFor: expect.stringContaining('The run failed: crm is down') });
  });

  it('gives up on a block at the end of a reject ladder, and stops escalating at the end of a block ladder', async () => {
    const rejecting = startCoworker({ policy: { ...policy, escalation: ['remind', 'reject'] } });
    rejecting.send({ type: 'shift.start', at: T0 });
    rejecting.send({ type: 'task.assign', task: task('t1'), at: T0 });
    rejecting.runs[0]!.resolve({ kind: 'blocked', question: 'Which?', at: T0 });
    await rejecting.settle();
    rejecting.send({ type: 'deadline.reached', at: T0 + HOUR });
    rejecting.send({ type: 'deadline.reached', at: T0 + 2 * HOUR });
    expect(rejecting.status().state.status).toBe('idle');
    expect(rejecting.emitted.filter((e) => e.type === 'message').at(-1)).toMatchObject({ text: expect.stringContaining('Gave up') });

    const blocking = startCoworker({ policy: { ...policy, escalation: ['block'] } });
    blocking.send({ type: 'shift.start', at: T0 });
    blocking.send({ type: 'task.assign', task: task('t1'), at: T0 });
    blocking.runs[0]!.resolve({ kind: 'blocked', question: 'Which?', at: T0 });
    await blocking.settle();
    blocking.send({ type: 'deadline.reached', at: T0 + HOUR });
    expect(blocking.status().state.status).toBe('blocked');
    expect(deadlineOf(blocking.actor.getSnapshot().context)).toBeNull();
  });

  it('cancels the current task from any busy state, or a queued one', async () => {
    const { send, status, runs, settle } = startCoworker();
    send({ type: 'shift.start', at: T0 });
    send({ type: 'task.assign', task: task('t1'), at: T0 });
    send({ type: 'task.assign', task: task('t2'), at: T0 });
    send({ type: 'task.assign', task: task('t3'), at: T0 });
    send({ type: 'task.cancel', taskId: 't3', by: 'UMANAGER', at: T0 });
    expect(status().backlog).toBe(1);
    runs[0]!.resolve(approvalNeeded([request('a1', 's')], T0));
    await settle();
    send({ type: 'task.cancel', taskId: 't1', by: 'UMANAGER', at: T0 + 1 });
    expect(status()).toMatchObject({ state: { status: 'working' }, currentTaskId: 't2' });
    send({ type: 'task.cancel', taskId: 't2', by: 'UMANAGER', at: T0 + 2 });
    expect(status()).toMatchObject({ state: { status: 'idle' }, backlog: 0 });
  });

  it('finishes the current task when the shift ends, then waits for the next shift', async () => {
    const { send, status, runs, settle } = startCoworker();
    send({ type: 'shift.start', at: T0 });
    send({ type: 'task.assign', task: task('t1'), at: T0 });
    send({ type: 'task.assign', task: task('t2'), at: T0 });
    send({ type: 'shift.end', at: T0 + 1 });
    expect(status().state).toEqual({ status: 'working', shift: 'offDuty' });
    runs[0]!.resolve({ kind: 'done', summary: 'ok', at: T0 + 2 });
    await settle();
    expect(status()).toMatchObject({ state: { status: 'idle', shift: 'offDuty' }, backlog: 1 });
  });

  it('takes a new policy (a new manager) without a restart', async () => {
    const { send, runs, emitted, settle } = startCoworker();
    send({ type: 'policy.update', policy: { ...policy, manager: 'UNEW', approvers: ['UNEW'] }, at: T0 });
    send({ type: 'shift.start', at: T0 });
    send({ type: 'task.assign', task: task('t1'), at: T0 });
    runs[0]!.resolve({ kind: 'blocked', question: 'q', at: T0 });
    await settle();
    expect(emitted.filter((e) => e.type === 'message').at(-1)).toMatchObject({ to: { kind: 'manager', id: 'UNEW' } });
  });

  it('hands approvals already waiting to a new manager: asked again, and only the new approvers decide', async () => {
    const { send, status, runs, emitted, settle } = startCoworker();
    send({ type: 'shift.start', at: T0 });
    send({ type: 'task.assign', task: task('t1'), at: T0 });
    runs[0]!.resolve(approvalNeeded([request('a1', 'email bob@acme.com')], T0 + 1));
    await settle();
    send({ type: 'policy.update', policy: { ...policy, manager: 'UNEW', approvers: ['UNEW'] }, at: T0 + 2 });
    expect(emitted.filter((e) => e.type === 'approval.requested').at(-1)).toEqual({
      type: 'approval.requested',
      approval: { ...request('a1', 'email bob@acme.com'), approvers: ['UNEW'], requestedAt: T0 + 1, deadline: T0 + 1 + HOUR },
    });
    send({ type: 'approval.decide', approvalId: 'a1', decision: 'approved', by: 'UMANAGER', at: T0 + 3 });
    expect(emitted.filter((e) => e.type === 'decision.refused').at(-1)).toMatchObject({ by: 'UMANAGER', reason: 'not an approver of this coworker' });
    send({ type: 'approval.decide', approvalId: 'a1', decision: 'approved', by: 'UNEW', at: T0 + 4 });
    expect(status().state.status).toBe('working');
  });

  it('survives persist and restore in every status with the same backlog, resuming the run', async () => {
    const { send, runs, settle, actor } = startCoworker();
    send({ type: 'shift.start', at: T0 });
    send({ type: 'task.assign', task: task('t1'), at: T0 });
    send({ type: 'task.assign', task: task('t2'), at: T0 });
    runs[0]!.resolve(approvalNeeded([request('a1', 's')], T0));
    await settle();
    const persisted = JSON.parse(JSON.stringify(actor.getPersistedSnapshot()));
    actor.stop();

    const resumedRuns: RunInput[] = [];
    const machine = coworkerMachine.provide({
      actors: { runTask: fromPromise<RunOutcome, RunInput>(async ({ input }) => (resumedRuns.push(input), new Promise(() => {}))) },
    });
    const restored = createActor(machine, { snapshot: persisted, input: { coworkerId: 'ava', policy, now: T0 } }).start();
    expect(statusOf(restored.getSnapshot())).toMatchObject({ state: { status: 'awaitingApproval', shift: 'onDuty' }, backlog: 1, currentTaskId: 't1' });
    restored.send({ type: 'approval.decide', approvalId: 'a1', decision: 'approved', by: 'UMANAGER', at: T0 + 1 });
    expect(statusOf(restored.getSnapshot()).state.status).toBe('working');
    expect(resumedRuns).toHaveLength(1);
  });

  it('tracks several approvals of one step on their own and resumes once all are decided', async () => {
    const { send, status, runs, emitted, settle } = startCoworker();
    send({ type: 'shift.start', at: T0 });
    send({ type: 'task.assign', task: task('t1'), at: T0 });
    runs[0]!.resolve(approvalNeeded([request('a1', 'email bob'), request('a2', 'email eve')]));
    await settle();
    expect(status().approvals?.map((approval) => approval.id)).toEqual(['a1', 'a2']);
    send({ type: 'approval.decide', approvalId: 'a2', decision: 'edited', args: { to: 'eve@acme.com' }, by: 'UMANAGER', at: T0 + 1 });
    expect(status()).toMatchObject({ state: { status: 'awaitingApproval' } });
    expect(status().approvals?.map((approval) => approval.id)).toEqual(['a1']);
    send({ type: 'approval.decide', approvalId: 'a1', decision: 'rejected', reason: 'not now', by: 'UAPPROVER', at: T0 + 2 });
    expect(status().state.status).toBe('working');
    expect(runs[1]?.input.notes).toEqual([
      { kind: 'decision', approvalId: 'a2', decision: 'edited', args: { to: 'eve@acme.com' }, by: 'UMANAGER', at: T0 + 1 },
      { kind: 'decision', approvalId: 'a1', decision: 'rejected', reason: 'not now', by: 'UAPPROVER', at: T0 + 2 },
    ]);
    expect(emitted.filter((e) => e.type === 'approval.requested')).toHaveLength(2);
  });

  it('keeps the runner state of a step and hands it to the next, with the notes cleared', async () => {
    const { send, status, runs, settle } = startCoworker();
    send({ type: 'shift.start', at: T0 });
    send({ type: 'task.assign', task: task('t1'), at: T0 });
    runs[0]!.resolve({ kind: 'progress', run: { turn: 1 }, at: T0 + 1 });
    await settle();
    expect(status().state.status).toBe('working');
    expect(runs[1]?.input).toMatchObject({ run: { turn: 1 }, notes: [] });
    runs[1]!.resolve({ kind: 'blocked', question: 'Which?', run: { turn: 2 }, at: T0 + 2 });
    await settle();
    send({ type: 'block.resolve', blockId: status().blockId!, answer: 'This one', by: 'UMANAGER', at: T0 + 3 });
    expect(runs[2]?.input).toMatchObject({ run: { turn: 2 }, notes: [{ kind: 'answer', answer: 'This one' }] });
  });

  it('runs a task marked anyTime while off duty', () => {
    const { send, status } = startCoworker();
    send({ type: 'task.assign', task: { ...task('t1'), anyTime: true }, at: T0 });
    expect(status().state).toEqual({ status: 'working', shift: 'offDuty' });
  });

  it('runs an anyTime task queued behind tasks waiting for the shift at once, and those when the shift starts', async () => {
    const { send, status, runs, settle } = startCoworker();
    send({ type: 'task.assign', task: task('t1'), at: T0 });
    send({ type: 'task.assign', task: task('t2'), at: T0 });
    expect(status()).toMatchObject({ state: { status: 'idle', shift: 'offDuty' }, backlog: 2, waitingFor: 'the start of its shift' });
    send({ type: 'task.assign', task: { ...task('t3'), anyTime: true }, at: T0 + 1 });
    expect(status()).toMatchObject({ state: { status: 'working', shift: 'offDuty' }, currentTaskId: 't3', backlog: 2 });
    runs[0]!.resolve({ kind: 'done', summary: 'ok', at: T0 + 2 });
    await settle();
    expect(status()).toMatchObject({ state: { status: 'idle', shift: 'offDuty' }, backlog: 2, waitingFor: 'the start of its shift' });
    send({ type: 'shift.start', at: T0 + 3 });
    expect(status()).toMatchObject({ state: { status: 'working', shift: 'onDuty' }, currentTaskId: 't1', backlog: 1 });
    runs[1]!.resolve({ kind: 'done', summary: 'ok', at: T0 + 4 });
    await settle();
    expect(status()).toMatchObject({ currentTaskId: 't2', backlog: 0 });
  });

  it('on duty, runs the queue in order whatever may run any time', async () => {
    const { send, status, runs, settle } = startCoworker();
    send({ type: 'shift.start', at: T0 });
    send({ type: 'task.assign', task: task('t1'), at: T0 });
    send({ type: 'task.assign', task: task('t2'), at: T0 });
    send({ type: 'task.assign', task: { ...task('t3'), anyTime: true }, at: T0 });
    runs[0]!.resolve({ kind: 'done', summary: 'ok', at: T0 + 1 });
    await settle();
    expect(status()).toMatchObject({ currentTaskId: 't2', backlog: 1 });
  });

  it('auto-rejects every pending approval on the deadline and closes them for the approvers', async () => {
    const { send, runs, emitted, settle } = startCoworker({ policy: { ...policy, escalation: ['reject'] } });
    send({ type: 'shift.start', at: T0 });
    send({ type: 'task.assign', task: task('t1'), at: T0 });
    runs[0]!.resolve(approvalNeeded([request('a1', 'one'), request('a2', 'two')]));
    await settle();
    send({ type: 'deadline.reached', at: T0 + HOUR });
    expect(runs[1]?.input.notes.map((note) => note.kind === 'decision' && note.approvalId)).toEqual(['a1', 'a2']);
    expect(emitted.filter((e) => e.type === 'approval.decided').map((e) => e.type === 'approval.decided' && e.outcome)).toEqual(['rejected', 'rejected']);
  });

  it('closes pending approvals when their task is cancelled, so late clicks decide nothing', async () => {
    const { send, runs, emitted, settle } = startCoworker();
    send({ type: 'shift.start', at: T0 });
    send({ type: 'task.assign', task: task('t1'), at: T0 });
    runs[0]!.resolve(approvalNeeded([request('a1', 'one')]));
    await settle();
    send({ type: 'task.cancel', taskId: 't1', by: 'UMANAGER', at: T0 + 1 });
    expect(emitted).toContainEqual({ type: 'approval.decided', approvalId: 'a1', taskId: 't1', outcome: 'cancelled', by: 'UMANAGER', reason: 'the task was cancelled' });
    send({ type: 'approval.decide', approvalId: 'a1', decision: 'approved', by: 'UMANAGER', at: T0 + 2 });
    expect(emitted.at(-2)).toMatchObject({ type: 'decision.refused', reason: 'no such approval is pending' });
    expect(runs).toHaveLength(1);
  });

  it('reaches every state of the chart (graph traversal)', () => {
    const done = (output: RunOutcome) => ({ type: 'xstate.done.actor.run', output }) as unknown as CoworkerEvent;
    const paths = getShortestPaths(coworkerMachine, {
      input: { coworkerId: 'ava', policy, now: T0 },
      events: [
        { type: 'shift.start', at: T0 },
        { type: 'shift.end', at: T0 },
        { type: 'task.assign', task: task('t1'), at: T0 },
        done({ kind: 'done', summary: 'ok', at: T0 }),
        done(approvalNeeded([request('a1', 's')], T0)),
        done({ kind: 'blocked', question: 'q', at: T0 }),
        { type: 'approval.decide', approvalId: 'a1', decision: 'approved', by: 'UMANAGER', at: T0 },
        { type: 'block.resolve', blockId: 't1:block:1', answer: 'a', by: 'UMANAGER', at: T0 },
      ],
      serializeState: (snapshot) => JSON.stringify(snapshot.value),
    });
    const reached = new Set(paths.map((path) => JSON.stringify(path.state.value)));
    for (const status of ['idle', 'working', 'awaitingApproval', 'blocked']) {
      for (const shift of ['onDuty', 'offDuty']) expect(reached).toContain(JSON.stringify({ status, shift }));
    }
  });
});
