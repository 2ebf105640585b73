// POST /api/coworkers/:id/assignment { team?, manager? }: the coworker's manager moves it to another
// team or manager, live (the same command as `coworkers assign`); anyone else is refused with 403.
// The coworker page learns from assignOptions() whether to offer the form, and with which choices.
import { z } from 'zod';
import { CoworkersError, personId, type CoworkerDefinition } from '../../protocol/index.ts';
import { assignCoworker, assignRefusal, describeAssignment } from '../assign-commands.ts';
import { teamMembers, teamName, type People } from '../people.ts';
import { HttpError, readJsonBody } from './http.ts';
import type { ConsoleUser, Route } from './route.ts';

const assignSchema = z
  .strictObject({ team: z.string().trim().min(1).max(63).optional(), manager: z.string().trim().min(1).max(80).optional() })
  .refine((body) => body.team !== undefined || body.manager !== undefined, { message: 'give a team, a manager or both' });

export interface AssignOptions {
  /** The teams of teams.yaml, each with the person ids of the members who may manage its coworkers (null: anyone); null without a teams.yaml. */
  teams: Array<{ id: string; name: string; managers: string[] | null }> | null;
  /** People of users.yaml with an email: who can become a manager. */
  people: Array<{ login: string; name: string; id: string }>;
}

/** What the signed-in person may choose from, or null when they may not assign this coworker. */
export function assignOptions(people: People, definition: CoworkerDefinition, user: ConsoleUser): AssignOptions | null {
  if (assignRefusal(definition, user.id)) return null;
  return {
    teams: people.teams?.map((team) => ({ id: team.id, name: team.name, managers: teamMembers(people, team.id) })) ?? null,
    people: people.users.filter((person) => person.email).map((person) => ({ login: person.login, name: person.name, id: personId(person) })),
  };
}

export const assignRoutes: Route[] = [
  {
    method: 'POST',
    path: /^\/api\/coworkers\/([^/]+)\/assignment$/,
    // Its manager only (the runtime allows no one else from a gateway); refused with the reason below otherwise.
    access: 'see-coworker',
    async handle(deps, { request, params: [coworkerId], user }) {
      const body = await readJsonBody(request, assignSchema);
      const record = await deps.store.getCoworker(coworkerId!);
      if (!record) throw new CoworkersError('COWORKER_NOT_FOUND', `There is no coworker "${coworkerId}".`, { hint: 'GET /api/crew lists them.' });
      const refusal = assignRefusal(record.definition, user.id);
      if (refusal) throw new HttpError(403, 'NOT_ALLOWED', `${user.name} cannot assign ${record.definition.name}: ${refusal}.`, { hint: 'Ask its manager, or an operator with "coworkers assign".' });
      const result = await assignCoworker(deps, deps.people, { ...body, coworkerId: coworkerId!, by: user.id });
      return { status: 200, body: { ...result, message: describeAssignment(result, (id) => teamName(deps.people, id)) } };
    },
  },
];
