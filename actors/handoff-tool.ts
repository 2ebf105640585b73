// The built-in `handoff` tool: what the model is offered, how its arguments are checked, and the
// task the receiver gets. Whether a handoff is gated (across teams) and whether the receiver
// takes it are policy, decided outside the model.
import { z } from 'zod';
import type { HandoffTask } from '../machines/index.ts';
import type { Store } from '../persistence/index.ts';
import { approversOf, sha256, type CoworkerDefinition, type HandoffParty, type Task } from '../protocol/index.ts';

export const HANDOFF = 'handoff';
/** Artifacts travel in the task and the snapshot: names, links and small values, not documents. */
const MAX_ARTIFACT_CHARS = 8_000;

/** Another coworker's current definition (its team, manager, approvers), or null when there is none. */
export type CoworkerLookup = (coworkerId: string) => Promise<CoworkerDefinition | null>;

/** Looks coworkers up in the store, where the host keeps every current definition (assignments included). */
export function coworkerLookup(store: Pick<Store, 'getCoworker'>): CoworkerLookup {
  return async (coworkerId) => (await store.getCoworker(coworkerId))?.definition ?? null;
}

export const handoffToolSpec = {
  type: 'function' as const,
  function: {
    name: HANDOFF,
    description:
      'Hand the current task to another coworker when it belongs to them. Call it alone in its turn. Your run ends once they take it; ' +
      'if they decline (or, across teams, their manager rejects it) you are told why and go on. Within your team it follows their policy; ' +
      "across teams their manager approves first.",
    parameters: {
      type: 'object',
      properties: {
        to: { type: 'string', description: 'Id of the coworker who should take the task.' },
        task: { type: 'string', description: 'What they should do, in a sentence or two.' },
        summary: { type: 'string', description: 'What you found and did so far: the context they need.' },
        artifacts: { type: 'object', description: 'Names, links and small values your run produced, by name.' },
        questions: { type: 'array', items: { type: 'string' }, description: 'Questions still open.' },
      },
      required: ['to', 'task', 'summary'],
    },
  },
};

const handoffArgsSchema = z.object({
  to: z.string().min(1, { message: 'say who should take it ("to": a coworker id)' }),
  task: z.string().min(1, { message: 'say what they should do ("task")' }).max(10_000),
  summary: z.string().max(10_000).default(''),
  artifacts: z
    .record(z.string(), z.unknown())
    .default({})
    .refine((artifacts) => JSON.stringify(artifacts).length <= MAX_ARTIFACT_CHARS, { message: `artifacts must stay under ${MAX_ARTIFACT_CHARS} characters of JSON: pass names or links, not documents` }),
  questions: z.array(z.string()).default([]),
});
export type HandoffArgs = z.output<typeof handoffArgsSchema>;

/** The checked arguments, or why they cannot be handed off (for the model, which can fix them). */
export function parseHandoffArgs(args: Record<string, unknown>): { ok: true; args: HandoffArgs } | { ok: false; error: string } {
  const parsed = handoffArgsSchema.safeParse(args);
  return parsed.success ? { ok: true, args: parsed.data } : { ok: false, error: parsed.error.issues.map((issue) => issue.message).join('; ') };
}

export function partyOf(definition: CoworkerDefinition): HandoffParty {
  return { id: definition.id, name: definition.name, team: definition.team };
}

/** Across teams the receiving manager (or its approvers) decides, not the sender's. */
export function crossTeamGate(sender: CoworkerDefinition, receiver: CoworkerDefinition): { approvers: string[]; reason: string } | null {
  if (sender.team === receiver.team) return null;
  return {
    approvers: approversOf(receiver),
    reason: `a handoff across teams (${sender.team} → ${receiver.team}) asks ${receiver.name}'s manager, ${receiver.manager.name}, first`,
  };
}

/**
 * The task the receiver gets. Its id comes from the sender's task and the tool call, so a
 * repeated offer is the same task, which the receiver recognises.
 */
export function handoffTask(options: { from: CoworkerDefinition; original: Task; toolCallId: string; step: number; to: string; args: HandoffArgs; approvedBy?: string; now: number }): HandoffTask {
  const { from, original, args } = options;
  const onBehalfOf = original.source === 'person' ? original.requestedBy : original.handoff?.onBehalfOf;
  return {
    id: `handoff-${sha256(`${original.id}:${options.toolCallId}:${options.step}:${options.to}`).slice(0, 16)}`,
    text: args.task,
    source: 'handoff',
    requestedBy: from.id,
    createdAt: options.now,
    ...(original.replyTo ? { replyTo: original.replyTo } : {}),
    handoff: {
      from: partyOf(from),
      originTaskId: original.id,
      summary: args.summary,
      artifacts: args.artifacts,
      questions: args.questions,
      by: from.id,
      ...(options.approvedBy ? { approvedBy: options.approvedBy } : {}),
      ...(onBehalfOf ? { onBehalfOf } : {}),
    },
  };
}
