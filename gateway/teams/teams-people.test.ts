import { describe, expect, it } from 'vitest';
import { plainText } from './teams-intake.ts';
import { createTeamsPeople } from './teams-people.ts';

const MARIA_TEAMS = '6f1c1a4e-58a2-4c1b-9f0e-2d3b8c7a9e10';
const DANIEL_TEAMS = '0d2b9c55-1e47-4f0a-8a61-3c5e7d9f1b22';
const STRANGER = '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d';
const people = createTeamsPeople({ users: [{ login: 'maria', name: 'Maria Lopez', slack: 'U04MARIA01', teams: MARIA_TEAMS }], teams: null });
const daniel = { name: 'Daniel Okafor', slack: 'U04DANIEL2', email: 'daniel@example.com', teams: DANIEL_TEAMS };

describe('Teams people', () => {
  it('acts for a Teams user under the id users.yaml or a manager pairs with theirs, else their Entra id', () => {
    expect(people.personOf(MARIA_TEAMS)).toBe('U04MARIA01');
    expect(people.personOf(MARIA_TEAMS.toUpperCase())).toBe('U04MARIA01');
    expect(people.personOf(DANIEL_TEAMS, { managers: [daniel] })).toBe('U04DANIEL2');
    expect(people.personOf(DANIEL_TEAMS)).toBe(DANIEL_TEAMS);
    expect(people.personOf(STRANGER, { managers: [daniel] })).toBe(STRANGER);
  });

  it('uses the Entra id itself where the approvers name the person by it', () => {
    expect(people.personOf(MARIA_TEAMS, { accepted: [MARIA_TEAMS] })).toBe(MARIA_TEAMS);
    expect(people.personOf(MARIA_TEAMS, { accepted: ['U04MARIA01'] })).toBe('U04MARIA01');
  });

  it('finds a person in Teams, and their name, from their id', () => {
    expect(people.teamsIdOf('U04MARIA01')).toBe(MARIA_TEAMS);
    expect(people.teamsIdOf('U04DANIEL2', [daniel])).toBe(DANIEL_TEAMS);
    expect(people.teamsIdOf('U04DANIEL2')).toBeUndefined();
    expect(people.teamsIdOf(STRANGER)).toBe(STRANGER);
    expect(people.nameOf('U04MARIA01')).toBe('Maria Lopez');
    expect(people.nameOf(MARIA_TEAMS)).toBe('Maria Lopez');
    expect(people.nameOf('U0NOBODY')).toBe('U0NOBODY');
  });
});

describe('what people wrote in Teams', () => {
  it('drops the mention and the markup, and decodes entities', () => {
    expect(plainText('<p><at>Coworkers</at>&nbsp;ava pull <b>last</b> week&#39;s &amp; this week&#39;s numbers</p>')).toBe("ava pull last week&#39;s & this week&#39;s numbers");
    expect(plainText(undefined)).toBe('');
  });
});
