// Teams names a person by their Microsoft Entra object id; definitions, approvals and the audit
// trail name people by their person id (`personId`: their Slack id when they have one), which
// users.yaml and each manager pair with it, so the same person decides the same approval from
// Slack, Teams, the console or the CLI.
import { personId, type CoworkerDefinition } from '../../protocol/index.ts';
import type { People } from '../people.ts';

type Manager = CoworkerDefinition['manager'];

export interface TeamsPeople {
  /** The id a Teams user acts under: one of `accepted` if it names them, else the id users.yaml or a manager pairs with theirs, else their Entra id. */
  personOf(entraId: string, options?: { managers?: Manager[]; accepted?: string[] }): string;
  /** The Teams user (Entra object id) of a person, where known. */
  teamsIdOf(personId: string, managers?: Manager[]): string | undefined;
  /** A person's name for cards and messages, or their id. */
  nameOf(personId: string, managers?: Manager[]): string;
}

const ENTRA_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function createTeamsPeople(people: People): TeamsPeople {
  const same = (a: string, b: string | undefined) => b !== undefined && a.toLowerCase() === b.toLowerCase();
  const pairs = (managers: Manager[]) => [
    ...people.users.map((user) => ({ id: personId(user), teams: user.teams, name: user.name })),
    ...managers.map((manager) => ({ id: personId(manager), teams: manager.teams, name: manager.name })),
  ];
  return {
    personOf(entraId, { managers = [], accepted = [] } = {}) {
      const ids = [entraId, ...pairs(managers).filter((pair) => same(entraId, pair.teams)).map((pair) => pair.id)];
      return ids.find((id) => accepted.includes(id)) ?? ids[1] ?? entraId;
    },
    teamsIdOf(personId, managers = []) {
      if (ENTRA_ID.test(personId)) return personId;
      return pairs(managers).find((pair) => pair.id === personId && pair.teams)?.teams;
    },
    nameOf(personId, managers = []) {
      return pairs(managers).find((pair) => pair.id === personId || same(personId, pair.teams))?.name ?? personId;
    },
  };
}
