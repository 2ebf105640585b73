// Handoffs in the statechart, as pure functions of (context, event) → (context patch, emitted
// events): offering a task, taking or declining an offer by policy, the answer coming back, and
// a person moving a queued task. The receiver's snapshot write that queues the task is the
// transfer; the sender keeps the task (not runnable) until the answer arrives, so it is never
// owned by both or by neither.
import type { AuditRecord, Task } from '../protocol/index.ts';
import type { CoworkerContext, CoworkerEmitted, CoworkerEvent, HandoffTask, OfferAnswer, OutgoingOffer, TaskNote, Wait } from './coworker.types.ts';

/** How many answers to offers are remembered, to answer a repeated offer the same way. */
const RECENT_OFFER_ANSWERS = 200;
/** Same bound as the machine's own list of seen task ids. */
const RECENT_TASK_IDS = 500;

export interface Effects {
  patch: Partial<CoworkerContext>;
  emit: CoworkerEmitted[];
}

type Offer = Extract<CoworkerEvent, { type: 'handoff.offer' }>;
type Answer = Extract<CoworkerEvent, { type: 'handoff.answer' }>;
type Reassign = Extract<CoworkerEvent, { type: 'task.reassign' }>;
type HandoffOutcome = { task: HandoffTask; to: OutgoingOffer['to']; at: number };

const short = (text: string) => (text.length > 80 ? `${text.slice(0, 80)}…` : text);

function auditOf(task: Task, record: Omit<AuditRecord, 'runId' | 'jobId'>): CoworkerEmitted {
  return { type: 'audit', entry: { ...record, runId: task.id, ...(task.jobId ? { jobId: task.jobId } : {}) } };
}

export function offersOf(context: CoworkerContext): OutgoingOffer[] {
  return context.offers ?? [];
}

export function currentOffer(context: CoworkerContext): OutgoingOffer | undefined {
  return offersOf(context).find((offer) => offer.current);
}

/** The person who asked for a task's work in the first place, if a person did. */
export function requesterOf(task: Task): string | undefined {
  return task.source === 'person' ? task.requestedBy : task.handoff?.onBehalfOf;
}

/** Whether this coworker's policy takes the offer; the model has no say. */
export function offerVerdict(context: CoworkerContext, task: HandoffTask): { outcome: 'accepted' } | { outcome: 'declined'; reason: string } {
  const { policy } = context;
  const { from, approvedBy } = task.handoff;
  const approved = approvedBy !== undefined && (approvedBy === policy.manager || policy.approvers.includes(approvedBy));
  const acceptFrom = policy.handoffs.acceptFrom;
  if (!approved && !acceptFrom.some((entry) => entry === '*' || entry === from.team || entry === from.id)) {
    return { outcome: 'declined', reason: `it takes handoffs from ${acceptFrom.join(', ')} only; its manager (${policy.manager}) can approve one from ${from.team}` };
  }
  if (context.backlog.length >= policy.handoffs.maxBacklog) {
    return { outcome: 'declined', reason: `its backlog is full (${context.backlog.length} tasks waiting)` };
  }
  return { outcome: 'accepted' };
}

function answered(task: HandoffTask, answer: Omit<OfferAnswer, 'taskId'>): CoworkerEmitted {
  return {
    type: 'handoff.answered',
    to: task.handoff.from.id,
    originTaskId: task.handoff.originTaskId,
    taskId: task.id,
    outcome: answer.outcome,
    ...(answer.reason ? { reason: answer.reason } : {}),
  };
}

/** The receiver's side: a repeated offer gets its first answer again; a new one is taken or declined by policy. */
export function receiveOffer(context: CoworkerContext, event: Offer): Effects {
  const { task } = event;
  const earlier = context.recentOfferAnswers?.find((answer) => answer.taskId === task.id);
  const seen = context.recentTaskIds.includes(task.id) || context.backlog.some((queued) => queued.id === task.id) || context.current?.task.id === task.id;
  if (earlier || seen) return { patch: {}, emit: [answered(task, earlier ?? { outcome: 'accepted' })] };

  const verdict = offerVerdict(context, task);
  const answer: OfferAnswer = { taskId: task.id, ...verdict };
  const recentOfferAnswers = [...(context.recentOfferAnswers ?? []), answer].slice(-RECENT_OFFER_ANSWERS);
  const { from, approvedBy } = task.handoff;
  const detail = { from: from.id, fromTeam: from.team, originTaskId: task.handoff.originTaskId, by: task.handoff.by, ...(approvedBy ? { approvedBy } : {}) };
  if (verdict.outcome === 'declined') {
    return {
      patch: { recentOfferAnswers },
      emit: [answered(task, answer), auditOf(task, { kind: 'handoff.declined', by: 'policy', summary: `declined "${short(task.text)}" from ${from.name} (${from.team}): ${verdict.reason}`, detail })],
    };
  }
  return {
    patch: { recentOfferAnswers, backlog: [...context.backlog, task], recentTaskIds: [...context.recentTaskIds, task.id].slice(-RECENT_TASK_IDS) },
    emit: [
      answered(task, answer),
      auditOf(task, { kind: 'handoff.received', by: context.coworkerId, summary: `took "${short(task.text)}" from ${from.name} (${from.team})${approvedBy ? `, approved by ${approvedBy}` : ''}`, detail }),
    ],
  };
}

function offered(context: CoworkerContext, original: Task, task: HandoffTask, to: OutgoingOffer['to'], at: number, current: boolean): Effects {
  const offer: OutgoingOffer = { original, task, to, current, at };
  const by = task.handoff.by;
  return {
    patch: { offers: [...offersOf(context), offer] },
    emit: [
      { type: 'handoff.offered', task, to },
      auditOf(original, {
        kind: 'handoff.offered',
        by,
        summary: `offered "${short(original.text)}" to ${to.name} (${to.team})`,
        detail: { to: to.id, toTeam: to.team, taskId: task.id, ...(task.handoff.approvedBy ? { approvedBy: task.handoff.approvedBy } : {}) },
      }),
    ],
  };
}

/** The running task's offer: the run waits (with an escalation deadline) for the receiver's answer. */
export function offerCurrent(context: CoworkerContext, outcome: HandoffOutcome): Effects {
  if (!context.current) return { patch: {}, emit: [] };
  const effects = offered(context, context.current.task, outcome.task, outcome.to, outcome.at, true);
  return { ...effects, patch: { ...effects.patch, handoffWait: { deadline: outcome.at + context.policy.deadlineMs, step: 0 } } };
}

/** A person moves a queued task; the running one is refused (cancel it first, or let it finish). */
export function reassignQueued(context: CoworkerContext, event: Reassign): Effects {
  const { policy } = context;
  const refuse = (reason: string): Effects => ({
    patch: {},
    emit: [
      { type: 'handoff.refused', taskId: event.taskId, by: event.by, reason },
      { type: 'audit', entry: { kind: 'handoff.declined', by: 'policy', runId: event.taskId, summary: `reassigning to ${event.to.id} by ${event.by} refused: ${reason}` } },
    ],
  });
  // The CLI is the operator's ("cli:<user>"); elsewhere the manager and approvers of either side move work.
  const receivingApprover = event.toApprovers.includes(event.by);
  if (event.by !== policy.manager && !policy.approvers.includes(event.by) && !event.by.startsWith('cli:') && !receivingApprover) {
    return refuse(`only ${context.coworkerId}'s manager (${policy.manager}), an approver, or ${event.to.name}'s manager can move its tasks`);
  }
  if (event.to.id === context.coworkerId) return refuse(`the task is already ${context.coworkerId}'s`);
  if (context.current?.task.id === event.taskId) {
    return refuse(`${context.coworkerId} is working on it right now; cancel it ("task.cancel"), or reassign it once it is queued again`);
  }
  const original = context.backlog.find((task) => task.id === event.taskId);
  if (!original) {
    const offer = offersOf(context).find((candidate) => candidate.original.id === event.taskId);
    if (offer?.to.id === event.to.id) return { patch: {}, emit: [] }; // the same move, redelivered
    return refuse(offer ? `it is already offered to ${offer.to.id}` : `${context.coworkerId} has no queued task ${event.taskId}`);
  }
  const onBehalfOf = requesterOf(original);
  const task: HandoffTask = {
    id: `handoff-${event.taskId}-${event.to.id}-${event.at}`,
    text: original.text,
    source: 'handoff',
    requestedBy: context.coworkerId,
    createdAt: event.at,
    ...(original.anyTime ? { anyTime: true } : {}),
    ...(original.replyTo ? { replyTo: original.replyTo } : {}),
    handoff: {
      from: event.from,
      originTaskId: original.id,
      summary: `Reassigned by ${event.by} before ${context.coworkerId} started on it.`,
      artifacts: original.trigger ? { trigger: original.trigger } : {},
      questions: [],
      by: event.by,
      ...(receivingApprover ? { approvedBy: event.by } : {}),
      ...(onBehalfOf ? { onBehalfOf } : {}),
    },
  };
  const effects = offered(context, original, task, event.to, event.at, false);
  return { ...effects, patch: { ...effects.patch, backlog: context.backlog.filter((queued) => queued !== original) } };
}

/** Whether an answer is for the current task's offer, with the given outcome. */
export function answersCurrent(context: CoworkerContext, event: Answer, outcome: Answer['outcome']): boolean {
  return currentOffer(context)?.task.id === event.taskId && event.outcome === outcome;
}

/**
 * The answer comes back. Taken: the sender lets go of the task (a running one ends here) and
 * tells whoever asked for it. Declined: the sender has it again (a running one goes on with the
 * reason, a queued one goes back to the front of the backlog).
 */
export function answerOffer(context: CoworkerContext, event: Answer): Effects {
  const offer = offersOf(context).find((candidate) => candidate.task.id === event.taskId);
  if (!offer) return { patch: {}, emit: [] }; // answered before: a redelivery
  const { original, to } = offer;
  const offers = offersOf(context).filter((candidate) => candidate !== offer);
  const manager = context.policy.manager;
  const thread = original.replyTo ? { thread: original.replyTo } : {};
  const { from, by } = offer.task.handoff;
  if (event.outcome === 'accepted') {
    const requester = requesterOf(original);
    const toRequester = requester && requester !== manager;
    const what = toRequester ? 'your task' : `"${short(original.text)}"`;
    const emit: CoworkerEmitted[] = [
      {
        type: 'message',
        to: toRequester ? { kind: 'user', id: requester } : { kind: 'manager', id: manager },
        text: by === from.id ? `${from.name} handed ${what} to ${to.name} (${to.team}).` : `${by} moved ${what} from ${from.name} to ${to.name} (${to.team}).`,
        taskId: original.id,
        ...thread,
      },
      auditOf(original, { kind: 'handoff.accepted', by: event.by, summary: `${to.name} (${to.team}) took "${short(original.text)}"`, detail: { to: to.id, taskId: offer.task.id } }),
    ];
    if (offer.current) emit.push(auditOf(original, { kind: 'run.finished', by: context.coworkerId, summary: `handed off to ${to.name} (${to.team})` }));
    return { patch: { offers, ...(offer.current ? { handoffWait: null } : {}) }, emit };
  }
  const reason = event.reason ?? 'no reason given';
  const emit: CoworkerEmitted[] = [
    auditOf(original, { kind: 'handoff.declined', by: event.by, summary: `${to.name} (${to.team}) declined "${short(original.text)}": ${reason}`, detail: { to: to.id, taskId: offer.task.id } }),
  ];
  if (offer.current && context.current) {
    const note: TaskNote = { kind: 'handoff', outcome: 'declined', to: to.name, reason, at: event.at };
    return { patch: { offers, handoffWait: null, current: { ...context.current, notes: [...context.current.notes, note] } }, emit };
  }
  // A person moved it: they hear that it stays here.
  emit.push({ type: 'message', to: { kind: 'user', id: offer.task.handoff.by }, text: `${to.name} declined "${short(original.text)}": ${reason}. It stays with ${context.coworkerId}.`, taskId: original.id, ...thread });
  return { patch: { offers, backlog: [original, ...context.backlog] }, emit };
}

/** The offer of the running task waits past its deadline: remind the manager, then stop escalating (they can cancel). */
export function escalateHandoff(context: CoworkerContext, at: number): Effects {
  const wait = context.handoffWait;
  const offer = currentOffer(context);
  if (!wait || !offer) return { patch: {}, emit: [] };
  const steps = context.policy.escalation;
  const last = wait.step >= steps.length - 1;
  const next: Wait = { step: wait.step + 1, deadline: last ? null : at + context.policy.deadlineMs };
  const text = `Still waiting for ${offer.to.name} (${offer.to.team}) to answer the handoff of "${short(offer.original.text)}"${last ? '; I keep waiting. Cancel the task to stop.' : '.'}`;
  return {
    patch: { handoffWait: next },
    emit: [
      { type: 'message', to: { kind: 'manager', id: context.policy.manager }, text, taskId: offer.original.id },
      auditOf(offer.original, { kind: 'escalated', by: 'policy', summary: `reminded ${context.policy.manager}: no answer from ${offer.to.id} to the handoff` }),
    ],
  };
}
