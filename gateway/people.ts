// The people and teams of a deployment, as the gateways and the CLI need them to assign coworkers:
// users.yaml (who someone is: login, name, Slack and Teams ids, email) and teams.yaml (who is on which team).
import { formatProblem, loadTeams, memberIds, type Team } from '../definitions/index.ts';
import { CoworkersError, type CoworkerDefinition } from '../protocol/index.ts';
import { loadUsers, type User } from './console/users.ts';

export interface People {
  users: User[];
  /** null without a teams.yaml: then any team id goes. */
  teams: Team[] | null;
}

/** users.yaml and teams.yaml in `dir`; CONFIG_INVALID with file:line:column when teams.yaml has a problem. */
export async function loadPeople(dir: string): Promise<People> {
  const users = await loadUsers(dir);
  const { teams, problems } = await loadTeams(dir, { logins: users.map((user) => user.login) });
  if (problems.length) {
    throw new CoworkersError('CONFIG_INVALID', `teams.yaml has ${problems.length === 1 ? 'a problem' : `${problems.length} problems`}:\n${problems.map(formatProblem).join('\n')}`, {
      hint: 'write it as "teams:" followed by a list of { id, name, members, channels } (see examples/teams.yaml)',
    });
  }
  return { users, teams };
}

const SLACK_MENTION = /^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$/;

/** The person a text names: a login ("daniel", "@daniel"), a Slack id ("U04DANIEL2"), a Slack mention ("<@U04DANIEL2|daniel>") or a Teams user's Entra object id. */
export function findPerson(people: People, text: string): User | undefined {
  const word = text.trim();
  const slack = SLACK_MENTION.exec(word)?.[1] ?? word.replace(/^@/, '');
  return people.users.find((user) => user.slack === slack || user.teams?.toLowerCase() === slack.toLowerCase() || user.login === slack.toLowerCase());
}

export function findTeam(people: People, id: string): Team | undefined {
  return people.teams?.find((team) => team.id === id);
}

/** The team's name from teams.yaml, or its id. */
export function teamName(people: People, id: string): string {
  return findTeam(people, id)?.name ?? id;
}

/** The person ids of a team's members; null when teams.yaml does not list the team's members. */
export function teamMembers(people: People, id: string): string[] | null {
  const team = findTeam(people, id);
  return team && team.members.length ? memberIds(team, people.users) : null;
}

/** Where a coworker takes work in one chat: its own channels and its team's (Slack "#name", Teams "teams:<team>/<channel>"). */
export function workChannels(people: People, coworker: CoworkerDefinition, chat: 'slack' | 'teams'): string[] {
  const all = [...coworker.channels, ...(findTeam(people, coworker.team)?.channels ?? [])];
  return [...new Set(all.filter((channel) => channel.startsWith('teams:') === (chat === 'teams')))];
}
