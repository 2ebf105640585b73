// The coworker statechart. Two parallel regions: `status` (idle, working, awaitingApproval,
// blocked) and `shift` (onDuty, offDuty). Pure: time arrives in events, effects are the
// `runTask` actor slot and emitted events, both handled by actors/.
import { and, assign, emit, enqueueActions, fromPromise, not, or, setup, stateIn } from 'xstate';
import type {
  CoworkerContext,
  CoworkerEmitted,
  CoworkerEvent,
  CoworkerInput,
  DecisionOutcome,
  RunInput,
  RunOutcome,
  TaskNote,
  Wait,
} from './coworker.types.ts';
import type { AuditRecord, EscalationStep, Task } from '../protocol/index.ts';
import { answerOffer, answersCurrent, currentOffer, escalateHandoff, offerCurrent, reassignQueued, receiveOffer, requesterOf, type Effects } from './coworker.handoffs.ts';
import { blockIdOf } from './coworker.status.ts';

/** How many task ids are remembered to drop redelivered assignments. */
const RECENT_TASK_IDS = 500;
/** How many decisions are remembered to tell a late click who decided first. */
const RECENT_DECISIONS = 50;

type Enqueue = { emit: (event: CoworkerEmitted) => void };
type DecideEvent = Extract<CoworkerEvent, { type: 'approval.decide' }>;
type AnswerEvent = Extract<CoworkerEvent, { type: 'handoff.answer' }>;

function applyEffects(enqueue: Enqueue & { assign: (patch: Partial<CoworkerContext>) => void }, effects: Effects): void {
  if (Object.keys(effects.patch).length > 0) enqueue.assign(effects.patch);
  for (const event of effects.emit) enqueue.emit(event);
}

/** Who decides a request: its own approvers (a cross-team handoff: the receiver's), else the coworker's. */
function approversOfRequest(context: CoworkerContext, request: { approvers?: string[] | undefined }): string[] {
  return request.approvers ?? context.policy.approvers;
}

/** The time of the event that caused a transition; run outcomes carry theirs in `output`. */
function timeOf(event: unknown, fallback: number): number {
  const candidate = event as { at?: number; output?: { at?: number } };
  return candidate.at ?? candidate.output?.at ?? fallback;
}

function outcomeOf(event: unknown): RunOutcome {
  return (event as { output: RunOutcome }).output;
}

/** The question a blocked run asks its manager: its own, or what went wrong. */
function blockQuestion(event: unknown): string {
  const { output, error } = event as { output?: RunOutcome; error?: unknown };
  if (output?.kind === 'blocked') return output.question;
  const failure = output?.kind === 'failed' ? output.error : error instanceof Error ? error.message : String(error);
  return `The run failed: ${failure}. Tell me how to proceed, or cancel the task.`;
}

/**
 * Which queued task runs next: on duty the first; off duty the first that may run any time, so
 * a task waiting for the shift does not hold up one that need not. -1 when none may run.
 */
function nextTaskIndex(backlog: Task[], onDuty: boolean): number {
  if (onDuty) return backlog.length > 0 ? 0 : -1;
  return backlog.findIndex((task) => task.anyTime === true);
}

function activeWait(context: CoworkerContext): Wait | null {
  return context.approval ?? context.block ?? context.handoffWait ?? null;
}

function nextWait(context: CoworkerContext, wait: Wait, at: number): Wait {
  return { step: wait.step + 1, deadline: at + context.policy.deadlineMs };
}

function audit(context: CoworkerContext, record: Omit<AuditRecord, 'runId' | 'jobId'>): CoworkerEmitted {
  const task = context.current?.task;
  return { type: 'audit', entry: { ...record, ...(task ? { runId: task.id } : {}), ...(task?.jobId ? { jobId: task.jobId } : {}) } };
}

/** Tells the gateway and the trail that a pending approval ended without a person's decision. */
function closeApprovals(context: CoworkerContext, enqueue: Enqueue, outcome: DecisionOutcome, by: string, reason: string): void {
  for (const request of context.approval?.requests ?? []) {
    enqueue.emit({ type: 'approval.decided', approvalId: request.id, taskId: request.taskId, outcome, by, reason });
    enqueue.emit(audit(context, { kind: 'approval.decided', by, approvalId: request.id, tool: request.tool, summary: `${request.summary}: ${outcome} (${reason})` }));
  }
}

export const coworkerMachine = setup({
  types: {} as { context: CoworkerContext; events: CoworkerEvent; input: CoworkerInput; emitted: CoworkerEmitted },
  actors: {
    runTask: fromPromise<RunOutcome, RunInput>(async () => {
      throw new Error('runTask is provided by the actor host (actors/)');
    }),
  },
  guards: {
    hasBacklog: ({ context }) => context.backlog.length > 0,
    onDuty: stateIn({ shift: 'onDuty' }),
    nextRunsAnyTime: ({ context }) => nextTaskIndex(context.backlog, false) >= 0,
    isNewTask: ({ context, event }) => {
      if (event.type !== 'task.assign') return false;
      const id = event.task.id;
      return !context.recentTaskIds.includes(id) && !context.backlog.some((task) => task.id === id) && context.current?.task.id !== id;
    },
    isCurrentTask: ({ context, event }) => event.type === 'task.cancel' && context.current?.task.id === event.taskId,
    outcomeIs: ({ event }, params: { kind: RunOutcome['kind'] }) => outcomeOf(event).kind === params.kind,
    isPendingApproval: ({ context, event }) =>
      event.type === 'approval.decide' && (context.approval?.requests.some((request) => request.id === event.approvalId) ?? false),
    isLastPendingApproval: ({ context }) => context.approval?.requests.length === 1,
    isApprover: ({ context, event }) => {
      if (event.type !== 'approval.decide') return false;
      const request = context.approval?.requests.find((candidate) => candidate.id === event.approvalId);
      return request !== undefined && approversOfRequest(context, request).includes(event.by);
    },
    waitsForHandoff: ({ context }) => !context.approval && currentOffer(context) !== undefined,
    acceptsCurrentOffer: ({ context, event }) => event.type === 'handoff.answer' && answersCurrent(context, event, 'accepted'),
    declinesCurrentOffer: ({ context, event }) => event.type === 'handoff.answer' && answersCurrent(context, event, 'declined'),
    // An answer names its block, so a redelivered or replayed one never answers a later block.
    answersCurrentBlock: ({ context, event }) => event.type === 'block.resolve' && context.block !== null && event.blockId === blockIdOf(context.block),
    mayUnblock: ({ context, event }) =>
      event.type === 'block.resolve' && (event.by === context.policy.manager || context.policy.approvers.includes(event.by)),
    deadlinePassed: ({ context, event }) => {
      const wait = activeWait(context);
      return wait?.deadline != null && event.type === 'deadline.reached' && event.at >= wait.deadline;
    },
    escalationStepIs: ({ context }, params: { step: EscalationStep }) => {
      const wait = activeWait(context);
      return wait !== null && context.policy.escalation[Math.min(wait.step, context.policy.escalation.length - 1)] === params.step;
    },
  },
  actions: {
    markSince: assign({ since: ({ context, event }) => timeOf(event, context.since) }),
    enqueueTask: assign(({ context, event }) => {
      if (event.type !== 'task.assign') return {};
      return {
        backlog: [...context.backlog, event.task],
        recentTaskIds: [...context.recentTaskIds, event.task.id].slice(-RECENT_TASK_IDS),
      };
    }),
    dropFromBacklog: assign({
      backlog: ({ context, event }) => (event.type === 'task.cancel' ? context.backlog.filter((task) => task.id !== event.taskId) : context.backlog),
    }),
    takeNextTask: enqueueActions(({ context, enqueue, check }) => {
      if (context.current) return;
      // The cast: xstate types `check` in setup's actions as taking no guard at all.
      const index = nextTaskIndex(context.backlog, check(stateIn({ shift: 'onDuty' }) as never));
      const task = context.backlog[index];
      if (!task) return;
      enqueue.assign({ current: { task, notes: [], run: null }, backlog: context.backlog.filter((_, at) => at !== index) });
    }),
    // The runner folded the notes into its state: keep that state, drop the notes.
    saveRun: assign(({ context, event }) => {
      const outcome = outcomeOf(event);
      if (!context.current || !('run' in outcome) || outcome.run === undefined) return {};
      return { current: { ...context.current, notes: [], run: outcome.run } };
    }),
    finishTask: assign(({ context }) => ({ current: null, approval: null, block: null, handoffWait: null, offers: (context.offers ?? []).filter((offer) => !offer.current) })),
    addNote: assign(({ context }, params: { note: TaskNote }) =>
      context.current ? { current: { ...context.current, notes: [...context.current.notes, params.note] } } : {},
    ),
    updatePolicy: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'policy.update') return;
      enqueue.assign({ policy: event.policy });
      // A new manager (or approvers) decides the approvals already waiting: ask them now.
      const { approval } = context;
      if (!approval || JSON.stringify(event.policy.approvers) === JSON.stringify(context.policy.approvers)) return;
      const replyTo = context.current?.task.replyTo ? { replyTo: context.current.task.replyTo } : {};
      for (const request of approval.requests.filter((candidate) => candidate.approvers === undefined)) {
        enqueue.emit({ type: 'approval.requested', approval: { ...request, ...replyTo, approvers: event.policy.approvers, requestedAt: approval.requestedAt, deadline: approval.deadline } });
      }
    }),
    reportDone: enqueueActions(({ context, event, enqueue }) => {
      const outcome = outcomeOf(event) as Extract<RunOutcome, { kind: 'done' }>;
      const task = context.current!.task;
      const manager = context.policy.manager;
      const thread = task.replyTo ? { thread: task.replyTo } : {};
      enqueue.emit({ type: 'message', to: { kind: 'manager', id: manager }, text: outcome.summary, taskId: task.id, ...thread });
      // The person who asked hears back too (through a handoff as well), unless that is the manager.
      const requester = requesterOf(task);
      if (requester && requester !== manager) {
        enqueue.emit({ type: 'message', to: { kind: 'user', id: requester }, text: outcome.summary, taskId: task.id, ...thread });
      }
    }),
    openApproval: enqueueActions(({ context, event, enqueue }) => {
      const outcome = outcomeOf(event);
      if (outcome.kind !== 'approvalNeeded' || !context.current) return;
      const deadline = outcome.at + context.policy.deadlineMs;
      enqueue.assign({ approval: { requests: outcome.requests, requestedAt: outcome.at, deadline, step: 0 } });
      const replyTo = context.current.task.replyTo ? { replyTo: context.current.task.replyTo } : {};
      for (const request of outcome.requests) {
        const approvers = approversOfRequest(context, request);
        enqueue.emit({ type: 'approval.requested', approval: { ...request, ...replyTo, approvers, requestedAt: outcome.at, deadline } });
        enqueue.emit(
          audit(context, {
            kind: 'approval.requested',
            by: context.coworkerId,
            approvalId: request.id,
            tool: request.tool,
            summary: `asked ${approvers.join(', ')} to approve ${request.summary}`,
            detail: { args: request.args, argsHash: request.argsHash, policyVersion: request.policyVersion, reason: request.reason, deadline },
          }),
        );
      }
    }),
    decide: enqueueActions(({ context, event, enqueue }) => {
      const decide = event as DecideEvent;
      const request = context.approval?.requests.find((candidate) => candidate.id === decide.approvalId);
      if (!request || !context.current || !context.approval) return;
      const { approvalId, decision, by, at, reason, args } = decide;
      const note: TaskNote = { kind: 'decision', approvalId, decision, by, at, ...(reason ? { reason } : {}), ...(args ? { args } : {}) };
      enqueue.assign({
        current: { ...context.current, notes: [...context.current.notes, note] },
        approval: { ...context.approval, requests: context.approval.requests.filter((candidate) => candidate !== request) },
        recentDecisions: [...context.recentDecisions, { approvalId, outcome: decision, by, at }].slice(-RECENT_DECISIONS),
      });
      enqueue.emit({ type: 'approval.decided', approvalId, taskId: request.taskId, outcome: decision, by, ...(reason ? { reason } : {}) });
      enqueue.emit(
        audit(context, {
          kind: 'approval.decided',
          by,
          approvalId,
          tool: request.tool,
          summary: `${decision} ${request.summary}${reason ? `: ${reason}` : ''}`,
          ...(args ? { detail: { args } } : {}),
        }),
      );
    }),
    refuseDecision: enqueueActions(({ context, event, enqueue }, params: { reason: string }) => {
      const decide = event as DecideEvent;
      const earlier = context.recentDecisions.find((decision) => decision.approvalId === decide.approvalId);
      const reason = earlier && params.reason === 'no such approval is pending' ? `already ${earlier.outcome} by ${earlier.by}` : params.reason;
      enqueue.emit({ type: 'decision.refused', approvalId: decide.approvalId, by: decide.by, reason });
      enqueue.emit(audit(context, { kind: 'approval.refused', by: decide.by, approvalId: decide.approvalId, summary: `${decide.decision} by ${decide.by} refused: ${reason}` }));
    }),
    openBlock: enqueueActions(({ context, event, enqueue }, params: { question?: string }) => {
      const at = timeOf(event, context.since);
      const question = params.question ?? blockQuestion(event);
      const task = context.current?.task;
      // Deterministic, so a re-run step or a restore names the same block; unique per coworker by the counter.
      const blocksOpened = (context.blocksOpened ?? 0) + 1;
      const id = `${task?.id ?? context.coworkerId}:block:${blocksOpened}`;
      enqueue.assign({ approval: null, blocksOpened, block: { id, question, since: at, deadline: at + context.policy.deadlineMs, step: 0 } });
      enqueue.emit({ type: 'message', to: { kind: 'manager', id: context.policy.manager }, text: `Blocked: ${question}`, ...(task ? { taskId: task.id } : {}), ...(task?.replyTo ? { thread: task.replyTo } : {}) });
      enqueue.emit(audit(context, { kind: 'blocked', by: context.coworkerId, summary: question }));
    }),
    unblock: enqueueActions(({ context, event, enqueue }) => {
      const resolve = event as Extract<CoworkerEvent, { type: 'block.resolve' }>;
      enqueue.emit(audit(context, { kind: 'unblocked', by: resolve.by, summary: resolve.answer }));
      enqueue.assign({ block: null });
    }),
    remind: enqueueActions(({ context, event, enqueue }) => {
      const wait = activeWait(context);
      if (!wait) return;
      const at = timeOf(event, context.since);
      if (context.approval) {
        const approval = context.approval;
        const what = approval.requests.map((request) => `"${request.summary}" (approval ${request.id})`).join(', ');
        const approvers = [...new Set(approval.requests.flatMap((request) => approversOfRequest(context, request)))];
        for (const approver of approvers) {
          enqueue.emit({ type: 'message', to: { kind: 'user', id: approver }, text: `Reminder: waiting for your decision on ${what}.` });
        }
        enqueue.assign({ approval: { ...approval, ...nextWait(context, wait, at) } });
        enqueue.emit(audit(context, { kind: 'escalated', by: 'policy', summary: `reminded ${approvers.join(', ')} of ${what}` }));
      } else if (context.block) {
        enqueue.emit({ type: 'message', to: { kind: 'manager', id: context.policy.manager }, text: `Reminder: still blocked: ${context.block.question}` });
        enqueue.assign({ block: { ...context.block, ...nextWait(context, wait, at) } });
        enqueue.emit(audit(context, { kind: 'escalated', by: 'policy', summary: `reminded ${context.policy.manager} of the block` }));
      }
    }),
    escalateToManager: enqueueActions(({ context, event, enqueue }) => {
      const wait = activeWait(context);
      if (!wait) return;
      const at = timeOf(event, context.since);
      const what = context.approval
        ? `approval of ${context.approval.requests.map((request) => `"${request.summary}" (${request.id})`).join(', ')}`
        : `an answer: ${context.block?.question}`;
      enqueue.emit({ type: 'message', to: { kind: 'manager', id: context.policy.manager }, text: `Escalation: still waiting for ${what}.` });
      enqueue.emit(audit(context, { kind: 'escalated', by: 'policy', summary: `escalated to ${context.policy.manager}: waiting for ${what}` }));
      if (context.approval) enqueue.assign({ approval: { ...context.approval, ...nextWait(context, wait, at) } });
      else if (context.block) enqueue.assign({ block: { ...context.block, ...nextWait(context, wait, at) } });
    }),
    rejectOnDeadline: enqueueActions(({ context, event, enqueue }) => {
      if (!context.current || !context.approval) return;
      const at = timeOf(event, context.since);
      const reason = 'no decision before the deadline';
      closeApprovals(context, enqueue, 'rejected', 'policy:deadline', reason);
      const notes: TaskNote[] = context.approval.requests.map((request) => ({ kind: 'decision', approvalId: request.id, decision: 'rejected', by: 'policy:deadline', reason, at }));
      enqueue.assign({ current: { ...context.current, notes: [...context.current.notes, ...notes] }, approval: null });
    }),
    expireApprovals: enqueueActions(({ context, event, enqueue }) => {
      if (!context.current || !context.approval) return;
      const at = timeOf(event, context.since);
      closeApprovals(context, enqueue, 'expired', 'policy:deadline', 'no decision before the deadline');
      const notes: TaskNote[] = context.approval.requests.map((request) => ({ kind: 'decision', approvalId: request.id, decision: 'expired', by: 'policy:deadline', at }));
      enqueue.assign({ current: { ...context.current, notes: [...context.current.notes, ...notes] } });
    }),
    cancelCurrent: enqueueActions(({ context, event, enqueue }) => {
      const cancel = event as Extract<CoworkerEvent, { type: 'task.cancel' }>;
      closeApprovals(context, enqueue, 'cancelled', cancel.by, 'the task was cancelled');
      enqueue.emit(audit(context, { kind: 'task.cancelled', by: cancel.by, summary: `cancelled "${context.current?.task.text.slice(0, 80)}"` }));
    }),
    // The manager has been told; the block stays until someone answers or cancels.
    stopEscalating: assign({ block: ({ context }) => (context.block ? { ...context.block, deadline: null } : null) }),
    refuseUnblock: emit(({ context, event }) => ({
      type: 'message' as const,
      to: { kind: 'user' as const, id: (event as { by: string }).by },
      text: `Only the manager (${context.policy.manager}) or an approver can answer this coworker's questions.`,
    })),
    receiveOffer: enqueueActions(({ context, event, enqueue }) => {
      if (event.type === 'handoff.offer') applyEffects(enqueue, receiveOffer(context, event));
    }),
    offerCurrent: enqueueActions(({ context, event, enqueue }) => {
      const outcome = outcomeOf(event);
      if (outcome.kind === 'handoff') applyEffects(enqueue, offerCurrent(context, outcome));
    }),
    answerOffer: enqueueActions(({ context, event, enqueue }) => applyEffects(enqueue, answerOffer(context, event as AnswerEvent))),
    // The running task's offer is answered in awaitingApproval; here only queued tasks a person moved.
    answerQueuedOffer: enqueueActions(({ context, event, enqueue }) => {
      if (event.type === 'handoff.answer' && currentOffer(context)?.task.id !== event.taskId) applyEffects(enqueue, answerOffer(context, event));
    }),
    reassignTask: enqueueActions(({ context, event, enqueue }) => {
      if (event.type === 'task.reassign') applyEffects(enqueue, reassignQueued(context, event));
    }),
    escalateHandoff: enqueueActions(({ context, event, enqueue }) => applyEffects(enqueue, escalateHandoff(context, timeOf(event, context.since)))),
    abandonTask: enqueueActions(({ context, enqueue }) => {
      enqueue.emit({
        type: 'message',
        to: { kind: 'manager', id: context.policy.manager },
        text: `Gave up on task "${context.current?.task.text}": nobody answered in time.`,
        ...(context.current ? { taskId: context.current.task.id } : {}),
      });
      enqueue.emit(audit(context, { kind: 'run.failed', by: 'policy', summary: 'gave up: nobody answered the block in time' }));
    }),
  },
}).createMachine({
  id: 'coworker',
  type: 'parallel',
  context: ({ input }) => ({
    coworkerId: input.coworkerId,
    policy: input.policy,
    backlog: [],
    current: null,
    approval: null,
    block: null,
    recentTaskIds: [],
    recentDecisions: [],
    offers: [],
    handoffWait: null,
    recentOfferAnswers: [],
    blocksOpened: 0,
    since: input.now,
  }),
  on: {
    'task.assign': { guard: 'isNewTask', actions: 'enqueueTask' },
    'task.cancel': { actions: 'dropFromBacklog' },
    'approval.decide': { actions: { type: 'refuseDecision', params: { reason: 'no such approval is pending' } } },
    'policy.update': { actions: 'updatePolicy' },
    'handoff.offer': { actions: 'receiveOffer' },
    'handoff.answer': { actions: 'answerQueuedOffer' },
    'task.reassign': { actions: 'reassignTask' },
  },
  states: {
    status: {
      initial: 'idle',
      states: {
        idle: {
          entry: 'markSince',
          always: { guard: and(['hasBacklog', or(['onDuty', 'nextRunsAnyTime'])]), target: 'working' },
        },
        working: {
          entry: ['markSince', 'takeNextTask'],
          invoke: {
            id: 'run',
            src: 'runTask',
            input: ({ context }) => ({
              coworkerId: context.coworkerId,
              task: context.current!.task,
              notes: context.current!.notes,
              run: context.current!.run,
            }),
            onDone: [
              { guard: { type: 'outcomeIs', params: { kind: 'progress' } }, target: 'working', reenter: true, actions: 'saveRun' },
              { guard: { type: 'outcomeIs', params: { kind: 'done' } }, target: 'idle', actions: ['reportDone', 'finishTask'] },
              { guard: { type: 'outcomeIs', params: { kind: 'approvalNeeded' } }, target: 'awaitingApproval', actions: ['saveRun', 'openApproval'] },
              // Waiting for the receiver's answer is waiting for an approval: by its policy, or its manager.
              { guard: { type: 'outcomeIs', params: { kind: 'handoff' } }, target: 'awaitingApproval', actions: ['saveRun', 'offerCurrent'] },
              { target: 'blocked', actions: ['saveRun', { type: 'openBlock', params: {} }] },
            ],
            onError: { target: 'blocked', actions: { type: 'openBlock', params: {} } },
          },
          on: { 'task.cancel': { guard: 'isCurrentTask', target: 'idle', actions: ['cancelCurrent', 'finishTask'] } },
        },
        awaitingApproval: {
          entry: 'markSince',
          on: {
            'approval.decide': [
              { guard: not('isPendingApproval'), actions: { type: 'refuseDecision', params: { reason: 'no such approval is pending' } } },
              { guard: not('isApprover'), actions: { type: 'refuseDecision', params: { reason: 'not an approver of this coworker' } } },
              { guard: 'isLastPendingApproval', target: 'working', actions: ['decide', assign({ approval: null })] },
              { actions: 'decide' },
            ],
            'handoff.answer': [
              { guard: 'acceptsCurrentOffer', target: 'idle', actions: ['answerOffer', 'finishTask'] },
              { guard: 'declinesCurrentOffer', target: 'working', actions: 'answerOffer' },
            ],
            'deadline.reached': [
              { guard: not('deadlinePassed') },
              { guard: 'waitsForHandoff', actions: 'escalateHandoff' },
              { guard: { type: 'escalationStepIs', params: { step: 'remind' } }, actions: 'remind' },
              { guard: { type: 'escalationStepIs', params: { step: 'manager' } }, actions: 'escalateToManager' },
              { guard: { type: 'escalationStepIs', params: { step: 'reject' } }, target: 'working', actions: 'rejectOnDeadline' },
              {
                target: 'blocked',
                actions: [
                  'expireApprovals',
                  {
                    type: 'openBlock',
                    params: ({ context }) => ({
                      question: `Nobody decided on ${context.approval!.requests.map((request) => `"${request.summary}"`).join(', ')} in time. Tell me how to proceed, or cancel the task.`,
                    }),
                  },
                ],
              },
            ],
            'task.cancel': { guard: 'isCurrentTask', target: 'idle', actions: ['cancelCurrent', 'finishTask'] },
          },
        },
        blocked: {
          entry: 'markSince',
          on: {
            'block.resolve': [
              // An answer to another block (a redelivery, a replay) changes nothing.
              { guard: not('answersCurrentBlock') },
              { guard: not('mayUnblock'), actions: 'refuseUnblock' },
              {
                target: 'working',
                actions: [{ type: 'addNote', params: ({ event }) => ({ note: { kind: 'answer', answer: event.answer, by: event.by, at: event.at } }) }, 'unblock'],
              },
            ],
            'deadline.reached': [
              { guard: not('deadlinePassed') },
              { guard: { type: 'escalationStepIs', params: { step: 'remind' } }, actions: 'remind' },
              { guard: { type: 'escalationStepIs', params: { step: 'manager' } }, actions: 'escalateToManager' },
              { guard: { type: 'escalationStepIs', params: { step: 'reject' } }, target: 'idle', actions: ['abandonTask', 'finishTask'] },
              { actions: 'stopEscalating' },
            ],
            'task.cancel': { guard: 'isCurrentTask', target: 'idle', actions: ['cancelCurrent', 'finishTask'] },
          },
        },
      },
    },
    shift: {
      initial: 'offDuty',
      states: {
        offDuty: { on: { 'shift.start': 'onDuty' } },
        onDuty: { on: { 'shift.end': 'offDuty' } },
      },
    },
  },
});

export type CoworkerMachine = typeof coworkerMachine;
