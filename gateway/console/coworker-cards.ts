// What the console shows of each coworker: its card (state, what it waits for and on whom,
// backlog, next scheduled run) and its jobs with their next runs, from the store's records.
import { Cron } from 'croner';
import type { CoworkerRecord } from '../../persistence/index.ts';
import { personId, type CoworkerDefinition, type CoworkerStatus, type JobDefinition } from '../../protocol/index.ts';

export interface CoworkerCard {
  id: string;
  name: string;
  role: string;
  team: string;
  icon?: string;
  manager: { name: string; id: string };
  status: 'idle' | 'working' | 'awaitingApproval' | 'blocked' | 'notStarted';
  shift: 'onDuty' | 'offDuty' | null;
  since: number | null;
  waitingFor: string | null;
  /** Slack ids of the people it waits on: the approvers of pending approvals, or its manager when blocked. */
  waitingOn: string[];
  backlog: number;
  pendingApprovals: number;
  nextRun: { jobId: string; at: number } | null;
  /** Its snapshot could not be restored, so it is not running (CoworkerStatus.attention). */
  attention: CoworkerStatus['attention'] | null;
}

export interface JobView {
  id: string;
  description?: string;
  schedule?: string;
  triggers: string[];
  nextRun?: number;
}

/** The job's next fire after `now` in the coworker's time zone (6-field crons give seconds). */
function nextRunOf(job: JobDefinition, timezone: string, now: number): number | undefined {
  if (!job.schedule) return undefined;
  return new Cron(job.schedule, { timezone, paused: true }).nextRun(new Date(now))?.getTime();
}

export function jobViews(definition: CoworkerDefinition, now: number): JobView[] {
  return definition.jobs.map((job) => {
    const nextRun = nextRunOf(job, definition.timezone, now);
    return {
      id: job.id,
      ...(job.description ? { description: job.description } : {}),
      ...(job.schedule ? { schedule: job.schedule } : {}),
      triggers: (job.triggers ?? []).map((trigger) => trigger.event),
      ...(nextRun !== undefined ? { nextRun } : {}),
    };
  });
}

export function coworkerCard(record: CoworkerRecord, now: number): CoworkerCard {
  const { definition, status } = record;
  const approvals = status?.approvals ?? [];
  const state = status?.state.status ?? 'notStarted';
  const waitingOn = state === 'blocked' ? [personId(definition.manager)] : [...new Set(approvals.flatMap((approval) => approval.approvers))];
  const nextRun = jobViews(definition, now)
    .flatMap((job) => (job.nextRun === undefined ? [] : [{ jobId: job.id, at: job.nextRun }]))
    .reduce<CoworkerCard['nextRun']>((earliest, run) => (!earliest || run.at < earliest.at ? run : earliest), null);
  return {
    id: definition.id,
    name: definition.name,
    role: definition.role,
    team: definition.team,
    icon: definition.icon,
    manager: { name: definition.manager.name, id: personId(definition.manager) },
    status: state,
    shift: status?.state.shift ?? null,
    since: status?.since ?? null,
    waitingFor: status?.waitingFor ?? null,
    waitingOn,
    backlog: status?.backlog ?? 0,
    pendingApprovals: approvals.length,
    nextRun,
    attention: status?.attention ?? null,
  };
}

/** The queued tasks from a snapshot written by the actor host (`{ machine: { context: { backlog } } }`); none if it has another shape. */
export function backlogOf(snapshot: unknown): Array<{ id: string; text: string; jobId?: string; requestedBy: string; createdAt: number }> {
  const backlog = (snapshot as { machine?: { context?: { backlog?: unknown } } } | null)?.machine?.context?.backlog;
  if (!Array.isArray(backlog)) return [];
  return backlog.flatMap((task: Record<string, unknown>) =>
    typeof task?.id === 'string' && typeof task.text === 'string'
      ? [{ id: task.id, text: task.text, ...(typeof task.jobId === 'string' ? { jobId: task.jobId } : {}), requestedBy: String(task.requestedBy), createdAt: Number(task.createdAt) }]
      : [],
  );
}
