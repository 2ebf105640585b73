// Moving a coworker to another team or manager, live, whichever way people ask (CLI, console,
// Slack): the assignment is stored (so a restart keeps it) and the runtime is told with a
// `definition.changed` command; it swaps the definition, its policy follows and it audits the change.
import { createHash } from 'node:crypto';
import type { Bus } from '../messaging/index.ts';
import {
  ASSIGNMENTS_COLLECTION,
  CoworkersError,
  PROTOCOL_VERSION,
  assignmentSchema,
  commandSchema,
  coworkerDefinitionSchema,
  nextAssignment,
  personId,
  subjects,
  type CoworkerDefinition,
  type CoworkerEvent,
} from '../protocol/index.ts';
import { findCoworker, type CommandDeps } from './coworker-commands.ts';
import { findPerson, findTeam, teamMembers, type People } from './people.ts';

export interface AssignRequest {
  coworkerId: string;
  /** A team id; the coworker's team stays when left out. */
  team?: string;
  /** Someone in users.yaml, with an email there: a login, a Slack id or a Slack mention; the manager stays when left out. */
  manager?: string;
  /** Who assigns: "cli:<user>" or a person's Slack id. */
  by: string;
}

type Placement = { team: string; manager: { name: string; id: string } };

export interface AssignResult {
  /** applied: the runtime confirmed it; unconfirmed: stored and sent, not confirmed in time; unchanged: it already was so. */
  status: 'applied' | 'unconfirmed' | 'unchanged';
  coworkerId: string;
  from: Placement;
  to: Placement;
}

const CONFIRM_TIMEOUT_MS = 5_000;

/** Why this person may not assign the coworker, or null when they may: from Slack and the console, only its current manager. */
export function assignRefusal(definition: CoworkerDefinition, person: string): string | null {
  if (personId(definition.manager) === person) return null;
  return `only ${definition.name}'s manager, ${definition.manager.name}, can move ${definition.name} to another team or manager`;
}

/** The team and manager a request asks for, checked against users.yaml and teams.yaml. Throws COMMAND_INVALID saying what to fix. */
export function resolvePlacement(people: People, current: CoworkerDefinition, request: Pick<AssignRequest, 'team' | 'manager'>): { team: string; manager: CoworkerDefinition['manager'] } {
  if (request.team === undefined && request.manager === undefined) {
    throw new CoworkersError('COMMAND_INVALID', `Say where ${current.id} goes: a team, a manager, or both.`, { hint: `e.g. coworkers assign ${current.id} --team sales --manager daniel` });
  }
  const team = request.team?.trim() ?? current.team;
  if (!coworkerDefinitionSchema.shape.team.safeParse(team).success) {
    throw new CoworkersError('COMMAND_INVALID', `"${team}" is not a team id: lowercase letters, digits and dashes, starting with a letter.`, { hint: 'e.g. --team sales' });
  }
  if (people.teams && !findTeam(people, team)) {
    throw new CoworkersError('COMMAND_INVALID', `There is no team "${team}" in teams.yaml.`, { hint: `Its teams: ${people.teams.map((known) => known.id).join(', ') || 'none'}.` });
  }
  let manager = current.manager;
  if (request.manager !== undefined) {
    const person = findPerson(people, request.manager);
    if (!person) {
      throw new CoworkersError('COMMAND_INVALID', `Nobody called "${request.manager}" is in users.yaml.`, {
        hint: `Name the manager by login or Slack id: ${people.users.map((user) => user.login).join(', ') || 'users.yaml lists nobody (pass --dir with the folder that has it)'}.`,
      });
    }
    if (!person.email) {
      throw new CoworkersError('COMMAND_INVALID', `${person.name} has no email in users.yaml, and a coworker's manager needs one.`, { hint: `Add "email: …" to ${person.login} in users.yaml.` });
    }
    manager = { name: person.name, email: person.email, ...(person.slack ? { slack: person.slack } : {}), ...(person.teams ? { teams: person.teams } : {}) };
  }
  const members = teamMembers(people, team);
  if (members && !members.includes(personId(manager))) {
    const names = members.map((id) => people.users.find((user) => personId(user) === id)?.login ?? id).join(', ');
    throw new CoworkersError('COMMAND_INVALID', `${manager.name} is not a member of team ${team}, so cannot manage its coworkers.`, {
      hint: `Pass --manager with one of its members (${names}), or add ${manager.name} to its members in teams.yaml.`,
    });
  }
  return { team, manager };
}

/** Stores the coworker's new team and manager and tells the runtime; resolves once it confirmed (or after 5 s). */
export async function assignCoworker(deps: CommandDeps, people: People, request: AssignRequest): Promise<AssignResult> {
  const current = (await findCoworker(deps.store, request.coworkerId)).definition;
  const { team, manager } = resolvePlacement(people, current, request);
  const placement = (definition: Pick<CoworkerDefinition, 'team' | 'manager'>): Placement => ({ team: definition.team, manager: { name: definition.manager.name, id: personId(definition.manager) } });
  const from = placement(current);
  const to = placement({ team, manager });
  if (from.team === to.team && from.manager.id === to.manager.id) return { status: 'unchanged', coworkerId: current.id, from, to };

  const at = deps.now();
  const commandId = `assign:${current.id}:${createHash('sha256').update(JSON.stringify([team, manager, request.by, at])).digest('hex').slice(0, 16)}`;
  const stored = assignmentSchema.safeParse(await deps.store.documents.get(ASSIGNMENTS_COLLECTION, current.id));
  const { assignment, definition } = nextAssignment(current, stored.success ? stored.data : null, { team, manager, by: request.by, at, commandId });
  // Stored first: if the runtime is away now, it applies the assignment when it starts.
  await deps.store.documents.put(ASSIGNMENTS_COLLECTION, current.id, assignment);

  const unsigned = commandSchema.parse({ v: PROTOCOL_VERSION, id: commandId, coworkerId: current.id, at, type: 'definition.changed', definition, by: request.by });
  const command = { ...unsigned, signature: deps.signer.sign(unsigned) };
  const applied = await confirmed(deps.bus, current.id, `${current.id}:audit:assigned:${commandId}`, () => deps.bus.publish(subjects.commandFor(command, request.by.startsWith('cli:') ? 'operator' : 'gateway'), command, { msgId: commandId }));
  return { status: applied ? 'applied' : 'unconfirmed', coworkerId: current.id, from, to };
}

/** Runs `send` and waits for the audit event with this id: the runtime applied the change. */
async function confirmed(bus: Bus, coworkerId: string, auditId: string, send: () => Promise<void>): Promise<boolean> {
  let settle: (applied: boolean) => void = () => {};
  const answered = new Promise<boolean>((resolve) => (settle = resolve));
  const subscription = await bus.subscribe(subjects.event(coworkerId, 'audit'), (message) => {
    if ((message.data as CoworkerEvent).id === auditId) settle(true);
  });
  const timer = setTimeout(() => settle(false), CONFIRM_TIMEOUT_MS);
  try {
    await send();
    return await answered;
  } finally {
    clearTimeout(timer);
    await subscription.stop();
  }
}

/** One sentence for people: what the assignment changed, or why nothing did yet. */
export function describeAssignment(result: AssignResult, teamName: (id: string) => string = (id) => id): string {
  const { coworkerId, from, to } = result;
  const now = `team ${teamName(to.team)}, reporting to ${to.manager.name} (${to.manager.id})`;
  if (result.status === 'unchanged') return `${coworkerId} already is on ${now}; nothing changed.`;
  const was = `was ${teamName(from.team)}, ${from.manager.name}`;
  if (result.status === 'unconfirmed') return `${coworkerId} is assigned to ${now} (${was}); the runtime has not confirmed it yet ("coworkers audit ${coworkerId}" shows it once applied).`;
  return `${coworkerId} is now on ${now} (${was}); its approvals, reports and escalations go to ${to.manager.name}.`;
}
