import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadDefinitions, memberIds } from '../definitions/index.ts';
import { loadUsers } from '../gateway/index.ts';
import { personId } from '../protocol/index.ts';

const { definitions, problems, teams } = await loadDefinitions(fileURLToPath(new URL('.', import.meta.url)));
const coworkers = definitions.map(({ definition }) => definition);

describe('examples', () => {
  it('load without problems', () => {
    expect(problems).toEqual([]);
    expect(coworkers.map(({ id }) => id).sort()).toEqual(['ava', 'otto', 'sam']);
  });

  it('have distinct ids', () => {
    expect(new Set(coworkers.map(({ id }) => id)).size).toBe(coworkers.length);
  });

  it('sit on two teams, each with its own manager', () => {
    const managerOf = new Map<string, Set<string>>();
    for (const { team, manager } of coworkers) managerOf.set(team, (managerOf.get(team) ?? new Set()).add(personId(manager)));
    expect([...managerOf.keys()].sort()).toEqual(['marketing', 'sales']);
    expect([...managerOf.values()].map((managers) => managers.size)).toEqual([1, 1]);
    expect(new Set([...managerOf.values()].flatMap((managers) => [...managers])).size).toBe(2);
  });

  it("name their teams in teams.yaml, each coworker's manager a member of its team", async () => {
    const users = await loadUsers(fileURLToPath(new URL('.', import.meta.url)));
    expect(teams?.map(({ id, name }) => `${id}: ${name}`)).toEqual(['sales: Sales', 'marketing: Marketing']);
    for (const { id, team, manager } of coworkers) expect(memberIds(teams!.find((listed) => listed.id === team)!, users), id).toContain(personId(manager));
    // Whoever may become a manager has an email there.
    expect(users.every((user) => user.email)).toBe(true);
  });

  it('use more than one time zone and work Monday to Friday', () => {
    expect(new Set(coworkers.map(({ timezone }) => timezone)).size).toBeGreaterThan(1);
    for (const { workingHours } of coworkers) expect(workingHours.days).toEqual(['mon', 'tue', 'wed', 'thu', 'fri']);
  });

  it('point editors at the JSON Schema on their first line', async () => {
    for (const { file } of definitions) {
      const [firstLine] = (await readFile(file, 'utf8')).split('\n');
      expect(firstLine).toBe('# yaml-language-server: $schema=../definitions/coworker.schema.json');
    }
  });
});
