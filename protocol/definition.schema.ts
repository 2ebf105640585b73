// The coworker definition: one YAML file per coworker, validated by this schema before anything
// starts. `coworkers schema` / `npm run schema` exports it as JSON Schema for editors.
import { Cron } from 'croner';
import { z } from 'zod';
import { CONSOLE_AUDIT_ID } from './audit.ts';

const ID = /^[a-z][a-z0-9-]{0,62}$/;
const TOOL = /^[a-z][a-zA-Z0-9]*(\.[a-z][a-zA-Z0-9_]*)+$/;
const CLOCK = /^([01]\d|2[0-3]):[0-5]\d$/;
const DURATION = /^(\d+)(s|m|h|d)$/;
const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

const id = (what: string) =>
  z.string().regex(ID, { message: `${what} must be lowercase letters, digits and dashes, starting with a letter (e.g. "ad-report")` });

const toolName = z
  .string()
  .regex(TOOL, { message: 'a tool is named connector.operation, e.g. "crm.updateDeal" or "email.send"' });

const slackUserId = z
  .string()
  .regex(/^[UW][A-Z0-9]{2,}$/, { message: 'a Slack user id looks like "U0123ABCD" (profile → ⋮ → Copy member ID)' });

/** True for a Slack user id; people named otherwise (a Teams user's Entra object id) are reached in Teams. */
export const isSlackUserId = (id: string): boolean => slackUserId.safeParse(id).success;

/** A Microsoft Entra (Azure AD) object id: how Teams names a person in every activity (`from.aadObjectId`). */
export const teamsUserId = z
  .string()
  .regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, {
    message: 'a Teams user is named by their Microsoft Entra object id, e.g. "6f1c1a4e-58a2-4c1b-9f0e-2d3b8c7a9e10" (Entra admin center → Users → Object ID)',
  });

/** Slack channels are "#name"; Teams channels "teams:<team name>/<channel name>". */
export const channelSchema = z
  .string()
  .regex(/^(#[a-z0-9][a-z0-9._-]*|teams:[^/\s][^/]*\/\S.*)$/, {
    message: 'a channel is written "#name" for Slack or "teams:<team>/<channel>" for Teams, e.g. "teams:Marketing/Ad performance"',
  });

export const durationSchema = z
  .string()
  .regex(DURATION, { message: 'a duration is a number and a unit: "90s", "30m", "4h" or "2d"' })
  .describe('A duration such as "30m", "4h" or "2d".');

export function durationMs(duration: string): number {
  const match = DURATION.exec(duration);
  if (!match) throw new Error(`not a duration: ${duration}`);
  const unit = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }[match[2] as 's' | 'm' | 'h' | 'd'];
  return Number(match[1]) * unit;
}

// Checking a zone or a cron expression is slow next to the rest of a definition, and thousands
// of definitions share a handful of each: remember the good ones.
const knownGood = { zones: new Set<string>(), crons: new Set<string>() };

const timeZone = z
  .string()
  .refine(
    (tz) => {
      if (knownGood.zones.has(tz)) return true;
      try {
        new Intl.DateTimeFormat('en-US', { timeZone: tz });
        knownGood.zones.add(tz);
        return true;
      } catch {
        return false;
      }
    },
    { message: 'unknown time zone: use an IANA name such as "Europe/Berlin" or "America/New_York"' },
  )
  .describe('IANA time zone of the coworker, e.g. "Europe/Berlin".');

const cronExpression = z
  .string()
  .refine(
    (expression) => {
      if (knownGood.crons.has(expression)) return true;
      try {
        new Cron(expression, { paused: true });
        knownGood.crons.add(expression);
        return true;
      } catch {
        return false;
      }
    },
    {
      message: 'not a valid cron expression: use five fields "minute hour day month weekday", e.g. "0 8 * * 1" for Mondays at 08:00 (a sixth, leading field gives seconds)',
    },
  )
  .describe('Cron expression in the coworker\'s time zone, e.g. "0 8 * * 1".');

export const managerSchema = z
  .strictObject({
    name: z.string().min(1).describe('Full name of the manager.'),
    slack: slackUserId.optional().describe('Slack user id of the manager, to reach them in Slack.'),
    teams: teamsUserId.optional().describe('Microsoft Entra object id of the manager, to reach them in Teams.'),
    email: z.email({ message: 'the manager\'s email address is not valid' }).describe('Email address of the manager.'),
  })
  .refine((manager) => manager.slack !== undefined || manager.teams !== undefined, {
    message: 'a manager needs a Slack user id ("slack: U0123ABCD"), a Teams user\'s Entra object id ("teams: …"), or both, so approvals and reports reach them',
    path: ['slack'],
  })
  .describe('The one person this coworker reports to; by default also its only approver.');

/**
 * The id a person is known by in approvals, tasks and the audit trail: their Slack user id when
 * they have one, else their Teams user's Entra object id. A chat gateway maps its own users to it.
 */
export function personId(person: { slack?: string | undefined; teams?: string | undefined }): string {
  const id = person.slack ?? person.teams;
  if (id === undefined) throw new Error('a person needs a Slack or a Teams id');
  return id;
}

export const triggerSchema = z.strictObject({
  event: z
    .string()
    .regex(/^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/, {
      message: 'an event is named like "crm.deal.stale" or "email.received"',
    })
    .describe('Event a connector emits, e.g. "crm.deal.stale".'),
  where: z
    .record(z.string(), z.union([z.string(), z.number(), z.boolean()]))
    .optional()
    .describe('The event matches only when each of these fields equals the given value.'),
});

export const jobSchema = z.strictObject({
  id: id('a job id').describe('Unique within the coworker, e.g. "weekly-ad-report".'),
  description: z.string().optional().describe('One line for people: what this job is for.'),
  instructions: z
    .string()
    .min(1, { message: 'a job needs instructions: what the coworker should do when it runs' })
    .describe('What the coworker should do each time the job runs.'),
  schedule: cronExpression.optional(),
  triggers: z.array(triggerSchema).optional().describe('Events that start a run of this job.'),
  tools: z.array(toolName).default([]).describe('Tools this job may use; each must also be granted to the coworker.'),
  autonomous: z
    .array(toolName)
    .default([])
    .describe('Tools this job may run without asking even when their risk would gate them (never those in approval.gated).'),
  outsideWorkingHours: z.boolean().default(false).describe('Run even when the coworker is off duty.'),
  missedRuns: z.enum(['catchUp', 'skip']).default('skip').describe('What to do with fires missed while the runtime was down.'),
});

export const escalationStepSchema = z.enum(['remind', 'manager', 'block', 'reject']);

export const approvalPolicySchema = z.strictObject({
  approvers: z
    .array(z.union([slackUserId, teamsUserId], { message: 'an approver is a Slack user id ("U0123ABCD") or a Teams user\'s Entra object id' }))
    .optional()
    .describe('Who may decide, by Slack user id or Teams user (Entra object id); defaults to the manager.'),
  autonomous: z.array(toolName).default([]).describe('Tools that run without asking, even when their risk would gate them.'),
  gated: z.array(toolName).default([]).describe('Tools that always ask first, whatever their risk.'),
  deadline: durationSchema.default('4h').describe('How long each step of the escalation waits.'),
  askIn: z
    .enum(['dm', 'thread'])
    .default('dm')
    .describe('Where approvers are asked in Slack and Teams: a direct message each, or the thread the task came from (a DM when there is none).'),
  escalation: z
    .array(escalationStepSchema)
    .min(1)
    .default(['remind', 'manager', 'block'])
    .describe('What happens each time the deadline passes; the last step must be "block" or "reject".')
    .refine((steps) => ['block', 'reject'].includes(steps.at(-1) ?? ''), {
      message: 'the last escalation step must be "block" or "reject", so no wait lasts forever',
    }),
});

export const budgetSchema = z
  .strictObject({
    stepsPerRun: z.int().positive().max(1_000).default(20).describe('Most steps (model turns and tool calls) in one run.'),
    tokensPerRun: z.int().positive().default(50_000).describe('Most model tokens in one run.'),
    callsPerTurn: z.int().positive().max(100).default(10).describe('Most tool calls run from one model turn; the rest are answered "not run: too many calls in one turn".'),
    pendingApprovals: z
      .int()
      .positive()
      .max(20)
      .default(3)
      .describe('Most approvals one run asks for at once; more in one turn are answered "ask again once the pending ones are decided".'),
  })
  .describe('Limits per job run; exceeding one blocks the coworker and tells its manager.');

export const workingHoursSchema = z
  .strictObject({
    days: z.array(z.enum(DAYS)).min(1).default(['mon', 'tue', 'wed', 'thu', 'fri']).describe('Days on duty.'),
    start: z.string().regex(CLOCK, { message: 'use 24-hour "HH:MM", e.g. "09:00"' }).default('09:00'),
    end: z.string().regex(CLOCK, { message: 'use 24-hour "HH:MM", e.g. "18:00"' }).default('18:00'),
  })
  .describe(
    'When the coworker is on duty, in its time zone; jobs run only then unless they say otherwise. ' +
      'An end before the start is an overnight shift; an end equal to the start is around the clock.',
  );

export const handoffPolicySchema = z
  .strictObject({
    acceptFrom: z
      .array(z.union([z.literal('*'), id('a team or coworker id')]))
      .min(1)
      .optional()
      .describe('Who may hand this coworker work: team ids, coworker ids, or "*" for anyone. Defaults to its own team. A handoff its manager or an approver approved is always taken.'),
    maxBacklog: z.int().positive().max(1_000).default(20).describe('Handoffs are declined while this many tasks wait in its backlog.'),
  })
  .describe('Which handoffs from other coworkers this coworker takes; decided by policy, never by the model.');

export const coworkerDefinitionSchema = z
  .strictObject({
    id: id('a coworker id')
      .refine((value) => value !== CONSOLE_AUDIT_ID, { message: `"${CONSOLE_AUDIT_ID}" is reserved for the console's own audit trail: pick another id` })
      .describe('Unique id of the coworker, e.g. "ava".'),
    name: z.string().min(1).max(80).describe('The name people call the coworker.'),
    icon: z
      .string()
      .regex(/^(:[a-z0-9_+-]+:|https:\/\/\S+)$/, { message: 'an icon is a Slack emoji such as ":bar_chart:" or an https:// image URL' })
      .default(':robot_face:')
      .describe('How the coworker looks in Slack: an emoji such as ":bar_chart:" or an https:// image URL.'),
    role: z.string().min(1).describe('What the coworker does, in a few words.'),
    team: id('a team id').describe('Team the coworker belongs to, e.g. "marketing".'),
    manager: managerSchema,
    channels: z
      .array(channelSchema)
      .default([])
      .describe('Channels the coworker takes work in: Slack "#marketing", Teams "teams:Marketing/Ad performance", or both.'),
    timezone: timeZone,
    workingHours: workingHoursSchema.default({ days: ['mon', 'tue', 'wed', 'thu', 'fri'], start: '09:00', end: '18:00' }),
    tools: z.array(toolName).default([]).describe('Every tool this coworker is granted.'),
    jobs: z.array(jobSchema).default([]).describe('Recurring duties, each with a schedule, triggers, or both.'),
    approval: approvalPolicySchema.default({ autonomous: [], gated: [], deadline: '4h', askIn: 'dm', escalation: ['remind', 'manager', 'block'] }),
    budget: budgetSchema.default({ stepsPerRun: 20, tokensPerRun: 50_000, callsPerTurn: 10, pendingApprovals: 3 }),
    handoffs: handoffPolicySchema.default({ maxBacklog: 20 }),
  })
  .superRefine((definition, ctx) => {
    const jobIds = new Set<string>();
    definition.jobs.forEach((job, index) => {
      if (jobIds.has(job.id)) ctx.addIssue({ code: 'custom', path: ['jobs', index, 'id'], message: `duplicate job id "${job.id}"` });
      jobIds.add(job.id);
      if (!job.schedule && !job.triggers?.length) {
        ctx.addIssue({ code: 'custom', path: ['jobs', index], message: 'a job needs a schedule, triggers, or both' });
      }
      job.autonomous.forEach((tool, toolIndex) => {
        if (!job.tools.includes(tool)) {
          ctx.addIssue({ code: 'custom', path: ['jobs', index, 'autonomous', toolIndex], message: `tool "${tool}" is not one of this job's tools: add it to the job's "tools" list` });
        }
      });
      job.tools.forEach((tool, toolIndex) => {
        if (!definition.tools.includes(tool)) {
          ctx.addIssue({
            code: 'custom',
            path: ['jobs', index, 'tools', toolIndex],
            message: `tool "${tool}" is not granted to this coworker: add it to the top-level "tools" list`,
          });
        }
      });
    });
  });

export type CoworkerDefinition = z.output<typeof coworkerDefinitionSchema>;
export type JobDefinition = z.output<typeof jobSchema>;
export type WorkingHours = z.output<typeof workingHoursSchema>;
export type ApprovalPolicy = z.output<typeof approvalPolicySchema>;
export type EscalationStep = z.output<typeof escalationStepSchema>;
export type HandoffPolicy = z.output<typeof handoffPolicySchema>;

/** Who may decide this coworker's approvals: the policy's approvers, or else its manager. */
export function approversOf(definition: CoworkerDefinition): string[] {
  return definition.approval.approvers ?? [personId(definition.manager)];
}
