// Live assignments: a coworker moved to another team or given another manager without a restart.
// Each is a document in the store (collection `assignments`, id = coworker id); a coworker's
// effective definition is its YAML definition with its assignment applied, at start-up and live.
import { z } from 'zod';
import { coworkerDefinitionSchema, managerSchema, personId, type CoworkerDefinition } from './definition.schema.ts';

export const ASSIGNMENTS_COLLECTION = 'assignments';

/** What the YAML definition said when the first assignment was made: edits to the file after that win over the assignment. */
const baseSchema = z.strictObject({
  team: z.string(),
  manager: managerSchema,
  approvers: z.array(z.string()).optional(),
});
type Base = z.output<typeof baseSchema>;

export const assignmentSchema = z.strictObject({
  coworkerId: z.string().min(1),
  team: coworkerDefinitionSchema.shape.team,
  manager: managerSchema,
  base: baseSchema,
  /** Who assigned: "cli:<user>" or a person's Slack id. */
  by: z.string().min(1),
  at: z.number().int(),
  /** The `definition.changed` command that carries it to the runtime (also its bus msgId). */
  commandId: z.string().min(1),
});
export type Assignment = z.output<typeof assignmentSchema>;

function baseOf(definition: CoworkerDefinition): Base {
  return { team: definition.team, manager: definition.manager, ...(definition.approval.approvers ? { approvers: definition.approval.approvers } : {}) };
}

function withBase(definition: CoworkerDefinition, base: Base): CoworkerDefinition {
  const { approvers: _approvers, ...approval } = definition.approval;
  return { ...definition, team: base.team, manager: base.manager, approval: { ...approval, ...(base.approvers ? { approvers: base.approvers } : {}) } };
}

const sameBase = (a: Base, b: Base) =>
  a.team === b.team &&
  a.manager.name === b.manager.name &&
  a.manager.slack === b.manager.slack &&
  a.manager.teams === b.manager.teams &&
  a.manager.email === b.manager.email &&
  JSON.stringify(a.approvers ?? null) === JSON.stringify(b.approvers ?? null);

/** True when the assignment was made against this YAML definition (the file's team, manager and approvers are unchanged since). */
export function assignmentApplies(definition: CoworkerDefinition, assignment: Assignment): boolean {
  return sameBase(baseOf(definition), assignment.base);
}

/**
 * The YAML definition with its assignment: the assignment's team and manager, and approvals
 * following the new manager (where the file lists approvers, the old manager's place goes to the
 * new one; the other approvers stay). Pure.
 */
export function applyAssignment(definition: CoworkerDefinition, assignment: Pick<Assignment, 'team' | 'manager'> | null | undefined): CoworkerDefinition {
  if (!assignment) return definition;
  const { approvers } = definition.approval;
  const replaced = approvers && [...new Set(approvers.map((approver) => (approver === personId(definition.manager) ? personId(assignment.manager) : approver)))];
  return { ...definition, team: assignment.team, manager: assignment.manager, approval: { ...definition.approval, ...(replaced ? { approvers: replaced } : {}) } };
}

/**
 * A new assignment of a coworker whose stored (effective) definition is `current` under its
 * `previous` assignment: the base carries over, so the YAML definition is what it applies to.
 */
export function nextAssignment(
  current: CoworkerDefinition,
  previous: Assignment | null,
  change: { team: string; manager: CoworkerDefinition['manager']; by: string; at: number; commandId: string },
): { assignment: Assignment; definition: CoworkerDefinition } {
  // The previous assignment is in effect unless the YAML was edited since (then the file won at start-up).
  const inEffect = previous !== null && sameBase(baseOf(current), baseOf(applyAssignment(withBase(current, previous.base), previous)));
  const base = inEffect ? previous.base : baseOf(current);
  const yaml = inEffect ? withBase(current, base) : current;
  const assignment: Assignment = { coworkerId: current.id, team: change.team, manager: change.manager, base, by: change.by, at: change.at, commandId: change.commandId };
  return { assignment, definition: applyAssignment(yaml, assignment) };
}

/** The structural part of the store's Documents port these functions use. */
export interface AssignmentDocuments {
  list<T>(collection: string): Promise<T[]>;
}

/** Every stored assignment by coworker id; a document that does not parse is left out. */
export async function loadAssignments(documents: AssignmentDocuments): Promise<Map<string, Assignment>> {
  const stored = await documents.list<unknown>(ASSIGNMENTS_COLLECTION);
  return new Map(stored.flatMap((document) => {
    const parsed = assignmentSchema.safeParse(document);
    return parsed.success ? [[parsed.data.coworkerId, parsed.data] as const] : [];
  }));
}

/** The definitions as they run: each with its stored assignment, unless its YAML changed since the assignment (then the file wins). */
export async function withAssignments(definitions: CoworkerDefinition[], documents: AssignmentDocuments): Promise<CoworkerDefinition[]> {
  const assignments = await loadAssignments(documents);
  return definitions.map((definition) => {
    const assignment = assignments.get(definition.id);
    return assignment && assignmentApplies(definition, assignment) ? applyAssignment(definition, assignment) : definition;
  });
}
