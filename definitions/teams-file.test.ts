import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatProblem, loadTeams, memberIds, parseTeams } from './index.ts';

const problemsOf = (text: string, logins?: string[]) => parseTeams(text, 'teams.yaml', logins ? { logins } : {}).problems.map(formatProblem);

describe('parseTeams', () => {
  it('reads teams with their members and channels, members and channels defaulting to none', () => {
    const { teams, problems } = parseTeams(
      ['teams:', '  - id: sales', '    name: Sales', '    members: [daniel, U04PRIYA03]', '    channels: ["#sales"]', '  - id: ops', '    name: Operations'].join('\n'),
      'teams.yaml',
    );
    expect(problems).toEqual([]);
    expect(teams).toEqual([
      { id: 'sales', name: 'Sales', members: ['daniel', 'U04PRIYA03'], channels: ['#sales'] },
      { id: 'ops', name: 'Operations', members: [], channels: [] },
    ]);
  });

  it('points at each mistake with file:line:column', () => {
    expect(
      problemsOf(['teams:', '  - id: Sales', '    name: Sales', '    members: ["Daniel Okafor"]', '    channels: [sales]', '  - id: ops', '    name: Ops', '    chanels: []'].join('\n')),
    ).toEqual([
      'teams.yaml:2:9: teams[0].id: a team id must be lowercase letters, digits and dashes, starting with a letter (e.g. "sales")',
      'teams.yaml:4:15: teams[0].members[0]: a member is a login from users.yaml (e.g. "maria") or a Slack user id (e.g. "U04MARIA01")',
      'teams.yaml:5:16: teams[0].channels[0]: a channel is written "#name" for Slack or "teams:<team>/<channel>" for Teams, e.g. "teams:Marketing/Ad performance"',
      'teams.yaml:8:5: unknown field "chanels" — did you mean "channels"?\n  fields allowed here: id, name, members, channels',
    ]);
  });

  it('refuses a team listed twice, a file that is not a mapping, and broken YAML', () => {
    expect(problemsOf('teams:\n  - { id: sales, name: Sales }\n  - { id: sales, name: More sales }\n')).toEqual([
      'teams.yaml:3:11: teams[1].id: duplicate team id "sales": each team is listed once',
    ]);
    expect(problemsOf('- sales\n- marketing\n')[0]).toMatch(/^teams\.yaml:1:1: teams\.yaml is a mapping with one field, "teams"/);
    expect(problemsOf('teams:\n  - id: sales\n   name: Sales\n')[0]).toMatch(/^teams\.yaml:3:\d+: invalid YAML: /);
  });

  it('checks member logins against users.yaml when given its logins', () => {
    expect(problemsOf('teams:\n  - { id: sales, name: Sales, members: [daniel, danial, U04PRIYA03] }\n', ['daniel', 'priya'])).toEqual([
      'teams.yaml:2:49: "danial" is not a login in users.yaml\n  logins there: daniel, priya; or name the person by their Slack user id',
    ]);
  });
});

describe('loadTeams', () => {
  it('is no teams when the folder has no teams.yaml, and reads the file when it has one', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'coworker-teams-'));
    try {
      expect(await loadTeams(dir)).toEqual({ teams: null, problems: [] });
      await writeFile(join(dir, 'teams.yaml'), 'teams: []\n');
      expect(await loadTeams(dir)).toEqual({ teams: [], problems: [] });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('memberIds', () => {
  it('resolves logins through users.yaml and keeps Slack ids', () => {
    const team = { id: 'sales', name: 'Sales', members: ['daniel', 'U0OTHER99', 'ghost'], channels: [] };
    expect(memberIds(team, [{ login: 'daniel', slack: 'U04DANIEL2' }])).toEqual(['U04DANIEL2', 'U0OTHER99']);
  });
});
