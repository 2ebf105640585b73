import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isCoworkersError } from '../protocol/index.ts';
import { definitionsInvalidError, formatProblem, loadDefinitions } from './index.ts';

function coworker(id: string, team = 'marketing'): string {
  return [
    `id: ${id}`, // 1
    `name: ${id.toUpperCase()}`, // 2
    'role: Analyst', // 3
    `team: ${team}`, // 4
    'manager: { name: Maria Lopez, slack: U04MARIA01, email: maria@example.com }', // 5
    'timezone: Europe/Berlin', // 6
    'tools: [slack.post]', // 7
    'jobs:', // 8
    '  - id: weekly-summary', // 9
    '    schedule: "0 8 * * 1"', // 10
    '    tools: [slack.post]', // 11
    '    instructions: Post a summary of last week in #marketing.', // 12
  ].join('\n');
}

let directory: string;

beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), 'coworker-definitions-'));
});

afterEach(async () => {
  await rm(directory, { recursive: true, force: true });
});

async function write(files: Record<string, string>): Promise<void> {
  for (const [name, text] of Object.entries(files)) await writeFile(join(directory, name), text);
}

describe('loadDefinitions', () => {
  it('loads a single file', async () => {
    await write({ 'ava.yaml': coworker('ava') });
    const loaded = await loadDefinitions(join(directory, 'ava.yaml'));
    expect(loaded.problems).toEqual([]);
    expect(loaded.definitions.map(({ file, definition }) => [file, definition.id])).toEqual([[join(directory, 'ava.yaml'), 'ava']]);
  });

  it('loads the .yaml and .yml files of a directory in name order, not its subdirectories', async () => {
    await mkdir(join(directory, 'drafts'));
    await write({ 'sam.yml': coworker('sam', 'sales'), 'ava.yaml': coworker('ava'), 'notes.txt': 'not a definition', 'drafts/otto.yaml': coworker('otto') });
    const loaded = await loadDefinitions(directory);
    expect(loaded.problems).toEqual([]);
    expect(loaded.definitions.map(({ definition }) => definition.id)).toEqual(['ava', 'sam']);
  });

  it('reports every problem of every file at once', async () => {
    await write({
      'ava.yaml': coworker('ava'),
      'bob.yaml': coworker('bob').replace('timezone: Europe/Berlin', 'timezone: Europe/Berln'),
      'cat.yaml': coworker('cat').replace('role: Analyst', 'role: Analyst: ads'),
      'dan.yaml': coworker('dan').replace('name: DAN', 'nmae: Dan'),
    });
    const loaded = await loadDefinitions(directory);
    expect(loaded.definitions.map(({ definition }) => definition.id)).toEqual(['ava']);
    expect(loaded.problems.map(({ file, line, column }) => `${file.slice(directory.length + 1)}:${line}:${column}`)).toEqual([
      'bob.yaml:6:11',
      'cat.yaml:3:7',
      'dan.yaml:1:1',
      'dan.yaml:2:1',
    ]);
    expect(loaded.problems[3]?.message).toBe('unknown field "nmae" — did you mean "name"?');
  });

  it('reports a duplicate id at the second file, naming the first', async () => {
    await write({ 'a-ava.yaml': coworker('ava'), 'b-ava.yaml': `# a copy\n${coworker('ava')}` });
    const loaded = await loadDefinitions(directory);
    expect(loaded.definitions.map(({ file }) => file)).toEqual([join(directory, 'a-ava.yaml')]);
    expect(loaded.problems).toEqual([
      {
        file: join(directory, 'b-ava.yaml'),
        line: 2,
        column: 5,
        message: `duplicate coworker id "ava": ${join(directory, 'a-ava.yaml')} already defines it`,
        hint: 'each coworker needs its own id: rename one of them, or remove the copy',
      },
    ]);
  });

  it('reports a missing path', async () => {
    const missing = join(directory, 'nowhere');
    expect(await loadDefinitions(missing)).toEqual({
      definitions: [],
      problems: [{ file: missing, line: 0, column: 0, message: 'no such file or directory: pass a coworker YAML file or a directory of them' }],
      teams: null,
    });
  });

  it('takes any team without a teams.yaml, and only its teams with one', async () => {
    await write({ 'ava.yaml': coworker('ava'), 'sam.yaml': coworker('sam', 'sales') });
    expect((await loadDefinitions(directory)).problems).toEqual([]);

    await write({ 'teams.yaml': 'teams:\n  - { id: marketing, name: Marketing, members: [maria] }\n' });
    const loaded = await loadDefinitions(directory);
    expect(loaded.teams?.map((team) => team.id)).toEqual(['marketing']);
    expect(loaded.definitions.map(({ definition }) => definition.id)).toEqual(['ava']);
    expect(loaded.problems.map(formatProblem)).toEqual([
      `${join(directory, 'sam.yaml')}:4:7: team "sales" is not in teams.yaml: use one of marketing\n  or add { id: sales, name: … } to teams.yaml`,
    ]);
    // The same check for one file, against the teams.yaml beside it.
    expect((await loadDefinitions(join(directory, 'sam.yaml'))).problems).toHaveLength(1);
  });

  it('reports the problems of teams.yaml with the definitions', async () => {
    await write({ 'ava.yaml': coworker('ava'), 'teams.yaml': 'teams:\n  - id: marketing\n    nmae: Marketing\n' });
    const loaded = await loadDefinitions(directory);
    expect(loaded.problems.map(formatProblem)).toEqual([
      `${join(directory, 'teams.yaml')}:2:5: teams[0].name: missing; add it`,
      `${join(directory, 'teams.yaml')}:3:5: unknown field "nmae" — did you mean "name"?\n  fields allowed here: id, name, members, channels`,
    ]);
    // Members named by login must be people of users.yaml, when there is one.
    await write({ 'teams.yaml': 'teams:\n  - { id: marketing, name: Marketing, members: [maria, mario] }\n', 'users.yaml': 'users:\n  - { login: maria, name: Maria, slack: U04MARIA01 }\n' });
    expect((await loadDefinitions(directory)).problems.map(({ line, column, message }) => `${line}:${column}: ${message}`)).toEqual(['2:56: "mario" is not a login in users.yaml']);
  });

  it('reports a directory without YAML files', async () => {
    await write({ 'README.md': '# coworkers' });
    expect((await loadDefinitions(directory)).problems).toEqual([
      { file: directory, line: 0, column: 0, message: 'no coworker definitions here: the directory has no .yaml or .yml files' },
    ]);
  });
});

describe('formatProblem', () => {
  it('writes file:line:column: message, with the hint indented below', () => {
    expect(formatProblem({ file: 'ava.yaml', line: 3, column: 7, message: 'name: must not be empty' })).toBe('ava.yaml:3:7: name: must not be empty');
    expect(formatProblem({ file: 'ava.yaml', line: 9, column: 1, message: 'unknown field "timzone"', hint: 'fields allowed here: timezone' })).toBe(
      'ava.yaml:9:1: unknown field "timzone"\n  fields allowed here: timezone',
    );
  });

  it('leaves out the position of a problem about the whole path', () => {
    expect(formatProblem({ file: 'coworkers/', line: 0, column: 0, message: 'no such file or directory' })).toBe('coworkers/: no such file or directory');
  });
});

describe('definitionsInvalidError', () => {
  it('is a DEFINITION_INVALID error listing every problem', () => {
    const error = definitionsInvalidError([
      { file: 'ava.yaml', line: 6, column: 11, message: 'timezone: unknown time zone' },
      { file: 'sam.yaml', line: 1, column: 1, message: 'missing "manager"', hint: 'add manager: { name, slack, email }' },
    ]);
    expect(isCoworkersError(error, 'DEFINITION_INVALID')).toBe(true);
    expect(error.retryable).toBe(false);
    expect(error.message).toBe(
      'coworker definitions have 2 problems:\nava.yaml:6:11: timezone: unknown time zone\nsam.yaml:1:1: missing "manager"\n  add manager: { name, slack, email }',
    );
  });
});
