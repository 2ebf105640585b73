// Who may see and do what in the console, written once and used by every route.
//
// - admin: `role: admin` in users.yaml; sees and does everything.
// - viewer: everyone sees the coworkers of the teams they are a member of (teams.yaml `members`),
//   and the coworkers they manage or approve for.
// - approver: decides the approvals whose approvers name them (approval.approvers, else the manager).
// - manager: gives tasks to the coworkers they manage and to every coworker of a team where they
//   manage at least one; moves (assigns) the coworkers they manage (the runtime allows only the
//   current manager to, from a gateway).
// Without teams (no teams.yaml, or one listing none) the deployment is one team: everyone sees
// and tasks every coworker, as before roles existed.
import { approversOf, personId, type CoworkerDefinition } from '../../protocol/index.ts';
import { assignRefusal } from '../assign-commands.ts';
import { memberIds } from '../../definitions/index.ts';
import type { People } from '../people.ts';
import { HttpError } from './http.ts';
import type { ConsoleUser } from './route.ts';


export interface Access {
  user: ConsoleUser;
  admin: boolean;
  /** The team ids they are a member of (teams.yaml), and null when the deployment has no teams. */
  teams: string[] | null;
  canSee(coworker: CoworkerDefinition): boolean;
  /** By id, for events: false for a coworker not (yet) known, unless they see everything. */
  canSeeId(coworkerId: string): boolean;
  canTask(coworker: CoworkerDefinition): boolean;
  canAssign(coworker: CoworkerDefinition): boolean;
  /** The console's own audit trail (coworker "console"): admins only. */
  canReadConsoleAudit: boolean;
  /** Listing and ending other people's sessions: admins only. */
  canManageSessions: boolean;
}

export function accessOf(people: People, user: ConsoleUser & { admin?: boolean }, coworkers: readonly CoworkerDefinition[]): Access {
  const admin = user.admin === true;
  const hasTeams = (people.teams?.length ?? 0) > 0;
  const teams = hasTeams ? people.teams!.filter((team) => memberIds(team, people.users).includes(user.id)).map((team) => team.id) : null;
  const manages = (coworker: CoworkerDefinition) => personId(coworker.manager) === user.id;
  const managedTeams = new Set(coworkers.filter(manages).map((coworker) => coworker.team));
  const byId = new Map(coworkers.map((coworker) => [coworker.id, coworker]));
  const canSee = (coworker: CoworkerDefinition) =>
    admin || !hasTeams || teams!.includes(coworker.team) || manages(coworker) || managedTeams.has(coworker.team) || approversOf(coworker).includes(user.id);
  return {
    user,
    admin,
    teams,
    canSee,
    canSeeId(coworkerId) {
      const coworker = byId.get(coworkerId);
      return coworker ? canSee(coworker) : admin || !hasTeams;
    },
    canTask: (coworker) => admin || !hasTeams || manages(coworker) || managedTeams.has(coworker.team),
    canAssign: (coworker) => assignRefusal(coworker, user.id) === null,
    canReadConsoleAudit: admin,
    canManageSessions: admin,
  };
}

/** A 403 naming what was refused; the same answer whether the coworker is hidden or only not theirs to act on. */
export function notAllowed(user: ConsoleUser, what: string, hint = 'Ask an admin, or the manager of its team.'): HttpError {
  return new HttpError(403, 'NOT_ALLOWED', `${user.name} may not ${what}.`, { hint });
}
