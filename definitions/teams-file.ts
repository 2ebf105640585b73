// `teams.yaml` beside the coworker definitions: each team's id, name, human members and channels.
// Coworkers join a team by their definition's `team` (or a live assignment); without a
// teams.yaml any team id goes, with one a definition must name a team it lists.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isMap, parse } from 'yaml';
import { z } from 'zod';
import { channelSchema, personId } from '../protocol/index.ts';
import { closestMatch } from './closest-match.ts';
import { plainLanguageErrors, type FieldPath } from './describe-issue.ts';
import type { DefinitionProblem } from './parse-definition.ts';
import { openYamlFile } from './yaml-file.ts';

export const TEAMS_FILE = 'teams.yaml';

const LOGIN = /^[a-z0-9][a-z0-9._-]{0,62}$/;
const SLACK_ID = /^[UW][A-Z0-9]{2,}$/;

const teamSchema = z.strictObject({
  id: z.string().regex(/^[a-z][a-z0-9-]{0,62}$/, { message: 'a team id must be lowercase letters, digits and dashes, starting with a letter (e.g. "sales")' }),
  name: z.string().min(1).max(80),
  members: z
    .array(z.string().refine((member) => LOGIN.test(member) || SLACK_ID.test(member), { message: 'a member is a login from users.yaml (e.g. "maria") or a Slack user id (e.g. "U04MARIA01")' }))
    .default([]),
  channels: z.array(channelSchema).default([]),
});

const teamsFileSchema = z.strictObject({ teams: z.array(teamSchema) }).superRefine((file, ctx) => {
  const seen = new Set<string>();
  file.teams.forEach((team, index) => {
    if (seen.has(team.id)) ctx.addIssue({ code: 'custom', path: ['teams', index, 'id'], message: `duplicate team id "${team.id}": each team is listed once` });
    seen.add(team.id);
  });
});

export type Team = z.output<typeof teamSchema>;

export interface LoadedTeams {
  /** null when the folder has no teams.yaml: then any team id goes. */
  teams: Team[] | null;
  problems: DefinitionProblem[];
}

const FIELDS: Record<string, string[]> = { file: ['teams'], team: Object.keys(teamSchema.shape) };

/** Parses and validates a teams.yaml; `logins` (from users.yaml), when given, are the only logins members may name. */
export function parseTeams(text: string, file: string, options: { logins?: readonly string[] } = {}): LoadedTeams {
  const { doc, problem, syntaxProblems } = openYamlFile(text, file);
  if (syntaxProblems.length) return { teams: null, problems: syntaxProblems };
  if (!isMap(doc.contents)) {
    return { teams: null, problems: [problem([], 'teams.yaml is a mapping with one field, "teams", holding a list of { id, name, members, channels }', 'start from examples/teams.yaml')] };
  }
  const result = teamsFileSchema.safeParse(doc.toJS(), { error: plainLanguageErrors });
  if (!result.success) {
    const problems = result.error.issues.flatMap((issue) => {
      const where = issue.path.length ? `${label(issue.path)}: ` : '';
      if (issue.code === 'invalid_type' && issue.input === undefined) return [problem(issue.path.slice(0, -1), `${label(issue.path)}: missing; add it`)];
      if (issue.code !== 'unrecognized_keys') return [problem(issue.path, `${where}${issue.message}`)];
      const allowed = FIELDS[issue.path.length ? 'team' : 'file']!;
      return issue.keys.map((key) => {
        const suggestion = closestMatch(key, allowed);
        return problem([...issue.path, key], `unknown field "${key}"${suggestion ? ` — did you mean "${suggestion}"?` : ': remove it or check its spelling'}`, `fields allowed here: ${allowed.join(', ')}`, 'key');
      });
    });
    return { teams: null, problems: problems.toSorted((a, b) => a.line - b.line || a.column - b.column) };
  }
  const teams = result.data.teams;
  const problems = options.logins ? unknownLogins(teams, new Set(options.logins), problem) : [];
  return { teams: problems.length ? null : teams, problems };
}

function unknownLogins(teams: Team[], logins: ReadonlySet<string>, problem: (path: FieldPath, message: string, hint?: string) => DefinitionProblem): DefinitionProblem[] {
  return teams.flatMap((team, teamIndex) =>
    team.members.flatMap((member, memberIndex) =>
      SLACK_ID.test(member) || logins.has(member)
        ? []
        : [problem(['teams', teamIndex, 'members', memberIndex], `"${member}" is not a login in users.yaml`, `logins there: ${[...logins].join(', ') || 'none'}; or name the person by their Slack user id`)],
    ),
  );
}

/** `<dir>/teams.yaml`, or `{ teams: null }` when there is none. */
export async function loadTeams(dir: string, options: { logins?: readonly string[] } = {}): Promise<LoadedTeams> {
  const file = join(dir, TEAMS_FILE);
  const text = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => (error.code === 'ENOENT' ? null : error));
  if (text === null) return { teams: null, problems: [] };
  if (text instanceof Error) return { teams: null, problems: [{ file, line: 0, column: 0, message: `cannot read the file: ${text.message}` }] };
  return parseTeams(text, file, options);
}

/**
 * The logins of `<dir>/users.yaml`, read leniently (the console's loader checks that file in
 * full); undefined when there is no readable list, so members are then not checked against it.
 */
export async function loginsIn(dir: string): Promise<string[] | undefined> {
  const text = await readFile(join(dir, 'users.yaml'), 'utf8').catch(() => null);
  let users: unknown;
  try {
    users = text === null ? undefined : (parse(text) as { users?: unknown } | null)?.users;
  } catch {
    return undefined;
  }
  return Array.isArray(users) ? users.flatMap((user: { login?: unknown } | null) => (typeof user?.login === 'string' ? [user.login] : [])) : undefined;
}

/** The person ids (`personId`) of a team's members, logins resolved through users.yaml's people. */
export function memberIds(team: Team, users: ReadonlyArray<{ login: string; slack?: string | undefined; teams?: string | undefined }>): string[] {
  const idOf = new Map(users.map((user) => [user.login, personId(user)]));
  return team.members.flatMap((member) => (SLACK_ID.test(member) ? [member] : idOf.has(member) ? [idOf.get(member)!] : []));
}

function label(path: FieldPath): string {
  return path.map((segment, index) => (typeof segment === 'number' ? `[${segment}]` : `${index ? '.' : ''}${String(segment)}`)).join('');
}
