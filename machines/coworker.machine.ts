// The coworker statechart. Two parallel regions: `status` (idle, working, awaitingApproval,
// blocked) and `shift` (onDuty, offDuty). Pure: time arrives in events, effects are the
// `runTask` actor slot and emitted events, both handled by actors/.
import { and, assign, emit, enqueueActions, fromPromise, not, setup, stateIn } from 'xstate';
import type {
  CoworkerContext,
  CoworkerEmitted,
  CoworkerEvent,
  CoworkerInput,
  Recipient,
  RunInput,
  RunOutcome,
  TaskNote,
  Wait,
} from './coworker.types.ts';
import type { EscalationStep, Task } from '../protocol/index.ts';

/** How many task ids are remembered to drop redelivered assignments. */
const RECENT_TASK_IDS = 500;

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

function requesterOf(task: Task, manager: string): Recipient {
  return task.source === 'person' ? { kind: 'user', id: task.requestedBy } : { kind: 'manager', id: manager };
}

function activeWait(context: CoworkerContext): Wait | null {
  return context.approval ?? context.block;
}

function nextWait(context: CoworkerContext, wait: Wait, at: number): Wait {
  return { step: wait.step + 1, deadline: at + context.policy.deadlineMs };
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
    isNewTask: ({ context, event }) => {
      if (event.type !== 'task.assign') return false;
      const id = event.task.id;
      return !context.recentTaskIds.includes(id) && !context.backlog.some((task) => task.id === id) && context.current?.task.id !== id;
    },
    isCurrentTask: ({ context, event }) => event.type === 'task.cancel' && context.current?.task.id === event.taskId,
    outcomeIs: ({ event }, params: { kind: RunOutcome['kind'] }) => outcomeOf(event).kind === params.kind,
    isPendingApproval: ({ context, event }) => event.type === 'approval.decide' && context.approval?.id === event.approvalId,
    isApprover: ({ context, event }) => event.type === 'approval.decide' && context.policy.approvers.includes(event.by),
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
    takeNextTask: assign(({ context }) => {
      if (context.current || context.backlog.length === 0) return {};
      const [task, ...rest] = context.backlog as [Task, ...Task[]];
      return { current: { task, notes: [] }, backlog: rest };
    }),
    finishTask: assign({ current: null, approval: null, block: null }),
    addNote: assign(({ context }, params: { note: TaskNote }) =>
      context.current ? { current: { ...context.current, notes: [...context.current.notes, params.note] } } : {},
    ),
    updatePolicy: assign({ policy: ({ context, event }) => (event.type === 'policy.update' ? event.policy : context.policy) }),
    reportDone: emit(({ context, event }) => {
      const outcome = outcomeOf(event) as Extract<RunOutcome, { kind: 'done' }>;
      const task = context.current!.task;
      return { type: 'message' as const, to: requesterOf(task, context.policy.manager), text: outcome.summary, taskId: task.id };
    }),
    openApproval: enqueueActions(({ context, event, enqueue }) => {
      const outcome = outcomeOf(event);
      if (outcome.kind !== 'approvalNeeded' || !context.current) return;
      const deadline = outcome.at + context.policy.deadlineMs;
      enqueue.assign({ approval: { ...outcome.approval, requestedAt: outcome.at, deadline, step: 0 } });
      enqueue.emit({
        type: 'approval.requested',
        approvalId: outcome.approval.id,
        taskId: context.current.task.id,
        summary: outcome.approval.summary,
        approvers: context.policy.approvers,
        deadline,
      });
    }),
    openBlock: enqueueActions(({ context, event, enqueue }, params: { question?: string }) => {
      const at = timeOf(event, context.since);
      const question = params.question ?? blockQuestion(event);
      enqueue.assign({ approval: null, block: { question, since: at, deadline: at + context.policy.deadlineMs, step: 0 } });
      enqueue.emit({ type: 'message', to: { kind: 'manager', id: context.policy.manager }, text: `Blocked: ${question}`, taskId: context.current?.task.id });
    }),
    remind: enqueueActions(({ context, event, enqueue }) => {
      const wait = activeWait(context);
      if (!wait) return;
      const at = timeOf(event, context.since);
      if (context.approval) {
        const approval = context.approval;
        for (const approver of context.policy.approvers) {
          enqueue.emit({ type: 'message', to: { kind: 'user', id: approver }, text: `Reminder: waiting for your decision on "${approval.summary}" (approval ${approval.id}).` });
        }
        enqueue.assign({ approval: { ...approval, ...nextWait(context, wait, at) } });
      } else if (context.block) {
        enqueue.emit({ type: 'message', to: { kind: 'manager', id: context.policy.manager }, text: `Reminder: still blocked: ${context.block.question}` });
        enqueue.assign({ block: { ...context.block, ...nextWait(context, wait, at) } });
      }
    }),
    escalateToManager: enqueueActions(({ context, event, enqueue }) => {
      const wait = activeWait(context);
      if (!wait) return;
      const at = timeOf(event, context.since);
      const what = context.approval ? `approval of "${context.approval.summary}" (${context.approval.id})` : `an answer: ${context.block?.question}`;
      enqueue.emit({ type: 'message', to: { kind: 'manager', id: context.policy.manager }, text: `Escalation: still waiting for ${what}.` });
      if (context.approval) enqueue.assign({ approval: { ...context.approval, ...nextWait(context, wait, at) } });
      else if (context.block) enqueue.assign({ block: { ...context.block, ...nextWait(context, wait, at) } });
    }),
    // The manager has been told; the block stays until someone answers or cancels.
    stopEscalating: assign({ block: ({ context }) => (context.block ? { ...context.block, deadline: null } : null) }),
    refuseDecision: emit(({ event }, params: { reason: string }) => {
      const decide = event as Extract<CoworkerEvent, { type: 'approval.decide' }>;
      return { type: 'decision.refused' as const, approvalId: decide.approvalId, by: decide.by, reason: params.reason };
    }),
    refuseUnblock: emit(({ context, event }) => ({
      type: 'message' as const,
      to: { kind: 'user' as const, id: (event as { by: string }).by },
      text: `Only the manager (${context.policy.manager}) or an approver can answer this coworker's questions.`,
    })),
    abandonTask: emit(({ context }) => ({
      type: 'message' as const,
      to: { kind: 'manager' as const, id: context.policy.manager },
      text: `Gave up on task "${context.current?.task.text}": nobody answered in time.`,
      taskId: context.current?.task.id,
    })),
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
    since: input.now,
  }),
  on: {
    'task.assign': { guard: 'isNewTask', actions: 'enqueueTask' },
    'task.cancel': { actions: 'dropFromBacklog' },
    'approval.decide': { actions: { type: 'refuseDecision', params: { reason: 'no such approval is pending' } } },
    'policy.update': { actions: 'updatePolicy' },
  },
  states: {
    status: {
      initial: 'idle',
      states: {
        idle: {
          entry: 'markSince',
          always: { guard: and(['hasBacklog', 'onDuty']), target: 'working' },
        },
        working: {
          entry: ['markSince', 'takeNextTask'],
          invoke: {
            id: 'run',
            src: 'runTask',
            input: ({ context }) => ({ coworkerId: context.coworkerId, task: context.current!.task, notes: context.current!.notes }),
            onDone: [
              { guard: { type: 'outcomeIs', params: { kind: 'done' } }, target: 'idle', actions: ['reportDone', 'finishTask'] },
              { guard: { type: 'outcomeIs', params: { kind: 'approvalNeeded' } }, target: 'awaitingApproval', actions: 'openApproval' },
              { target: 'blocked', actions: { type: 'openBlock', params: {} } },
            ],
            onError: { target: 'blocked', actions: { type: 'openBlock', params: {} } },
          },
          on: { 'task.cancel': { guard: 'isCurrentTask', target: 'idle', actions: 'finishTask' } },
        },
        awaitingApproval: {
          entry: 'markSince',
          on: {
            'approval.decide': [
              { guard: not('isPendingApproval'), actions: { type: 'refuseDecision', params: { reason: 'no such approval is pending' } } },
              { guard: not('isApprover'), actions: { type: 'refuseDecision', params: { reason: 'not an approver of this coworker' } } },
              {
                target: 'working',
                actions: [
                  {
                    type: 'addNote',
                    params: ({ event }) => ({
                      note: { kind: 'decision', approvalId: event.approvalId, decision: event.decision, by: event.by, at: event.at, ...(event.reason ? { reason: event.reason } : {}) },
                    }),
                  },
                  assign({ approval: null }),
                ],
              },
            ],
            'deadline.reached': [
              { guard: not('deadlinePassed') },
              { guard: { type: 'escalationStepIs', params: { step: 'remind' } }, actions: 'remind' },
              { guard: { type: 'escalationStepIs', params: { step: 'manager' } }, actions: 'escalateToManager' },
              {
                guard: { type: 'escalationStepIs', params: { step: 'reject' } },
                target: 'working',
                actions: [
                  {
                    type: 'addNote',
                    params: ({ context, event }) => ({
                      note: { kind: 'decision', approvalId: context.approval!.id, decision: 'rejected', by: 'policy:deadline', reason: 'no decision before the deadline', at: event.at },
                    }),
                  },
                  assign({ approval: null }),
                ],
              },
              {
                target: 'blocked',
                actions: {
                  type: 'openBlock',
                  params: ({ context }) => ({ question: `Nobody decided on "${context.approval!.summary}" in time. Tell me how to proceed, or cancel the task.` }),
                },
              },
            ],
            'task.cancel': { guard: 'isCurrentTask', target: 'idle', actions: 'finishTask' },
          },
        },
        blocked: {
          entry: 'markSince',
          on: {
            'block.resolve': [
              { guard: not('mayUnblock'), actions: 'refuseUnblock' },
              {
                target: 'working',
                actions: [
                  { type: 'addNote', params: ({ event }) => ({ note: { kind: 'answer', answer: event.answer, by: event.by, at: event.at } }) },
                  assign({ block: null }),
                ],
              },
            ],
            'deadline.reached': [
              { guard: not('deadlinePassed') },
              { guard: { type: 'escalationStepIs', params: { step: 'remind' } }, actions: 'remind' },
              { guard: { type: 'escalationStepIs', params: { step: 'manager' } }, actions: 'escalateToManager' },
              { guard: { type: 'escalationStepIs', params: { step: 'reject' } }, target: 'idle', actions: ['abandonTask', 'finishTask'] },
              { actions: 'stopEscalating' },
            ],
            'task.cancel': { guard: 'isCurrentTask', target: 'idle', actions: 'finishTask' },
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
