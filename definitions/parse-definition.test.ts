import { describe, expect, it } from 'vitest';
import { approversOf } from '../protocol/index.ts';
import { parseDefinition } from './index.ts';

// A valid definition, one entry per line; each test edits lines and asserts exact positions.
const VALID_LINES = [
  '# Ava, the marketing coworker', // 1
  'id: ava', // 2
  'name: Ava', // 3
  'role: Marketing analyst', // 4
  'team: marketing', // 5
  'manager:', // 6
  '  name: Maria Lopez', // 7
  '  slack: U04MARIA01', // 8
  '  email: maria@example.com', // 9
  'timezone: Europe/Berlin', // 10
  'tools: [ads.getCampaignStats, slack.post, email.send]', // 11
  'jobs:', // 12
  '  - id: weekly-ad-report', // 13
  '    schedule: "0 8 * * 1"', // 14
  '    tools: [ads.getCampaignStats, slack.post]', // 15
  "    instructions: Post last week's ad numbers in #marketing.", // 16
];

/** The valid definition with `line` (1-based) replaced; an empty array removes it. */
function withLines(edits: Record<number, string | string[]>, extra: string[] = []): string {
  const lines = VALID_LINES.flatMap((text, index) => edits[index + 1] ?? text);
  return [...lines, ...extra].join('\n') + '\n';
}

function problemsOf(text: string) {
  return parseDefinition(text, 'ava.yaml').problems;
}

describe('parseDefinition', () => {
  it('returns a valid definition with the defaults applied', () => {
    const { definition, problems } = parseDefinition(withLines({}), 'ava.yaml');
    expect(problems).toEqual([]);
    expect(definition).toMatchObject({
      id: 'ava',
      channels: [],
      workingHours: { days: ['mon', 'tue', 'wed', 'thu', 'fri'], start: '09:00', end: '18:00' },
      approval: { autonomous: [], gated: [], deadline: '4h', escalation: ['remind', 'manager', 'block'] },
      budget: { stepsPerRun: 20, tokensPerRun: 50_000 },
    });
    expect(definition?.jobs[0]).toMatchObject({ id: 'weekly-ad-report', outsideWorkingHours: false, missedRuns: 'skip' });
  });

  it("refuses the id the console's own audit trail is kept under, at its line", () => {
    expect(problemsOf(withLines({ 2: 'id: console' }))).toEqual([expect.objectContaining({ line: 2, message: expect.stringContaining('"console" is reserved') })]);
  });

  describe('YAML syntax', () => {
    it('reports an unquoted colon in a value where the parser stops', () => {
      expect(problemsOf(withLines({ 4: 'role: Marketing: analyst' }))).toEqual([
        {
          file: 'ava.yaml',
          line: 4,
          column: 7,
          message: 'invalid YAML: Nested mappings are not allowed in compact mappings',
          hint: 'check the indentation of this line and the one above it; quote values that contain ": " or " #"',
        },
      ]);
    });

    it('reports a repeated field at the second occurrence', () => {
      expect(problemsOf(withLines({ 10: ['timezone: Europe/Berlin', 'timezone: Europe/Paris'] }))).toEqual([
        expect.objectContaining({ line: 11, column: 1, message: 'invalid YAML: Map keys must be unique' }),
      ]);
    });

    it('reports tab indentation', () => {
      expect(problemsOf(withLines({ 8: '\tslack: U04MARIA01' }))[0]).toEqual(
        expect.objectContaining({ line: 8, column: 1, message: 'invalid YAML: Tabs are not allowed as indentation', hint: 'indent with spaces: YAML does not allow tabs' }),
      );
    });

    it('refuses an empty file', () => {
      expect(problemsOf('# nothing here yet\n')).toEqual([
        expect.objectContaining({ line: 1, column: 1, message: expect.stringMatching(/^the file is empty/) }),
      ]);
    });

    it('refuses a document that is not a mapping', () => {
      expect(problemsOf('# a list\n- id: ava\n')).toEqual([
        expect.objectContaining({ line: 2, column: 1, message: 'a coworker definition is a mapping of fields (id: …, name: …), but this file holds a list' }),
      ]);
    });

    it('refuses several documents in one file, at the second one', () => {
      expect(problemsOf(withLines({}, ['---', 'id: sam']))).toEqual([
        {
          file: 'ava.yaml',
          line: 17,
          column: 1,
          message: 'this file holds 2 YAML documents: a definition file describes exactly one coworker',
          hint: 'move each coworker into its own file and remove the "---" separator',
        },
      ]);
    });
  });

  describe('schema', () => {
    it('points at a misspelled field and suggests the closest one', () => {
      expect(problemsOf(withLines({ 10: 'timzone: Europe/Berlin' }))).toEqual([
        expect.objectContaining({ line: 2, column: 1, message: expect.stringMatching(/^missing "timezone"/) }),
        {
          file: 'ava.yaml',
          line: 10,
          column: 1,
          message: 'unknown field "timzone" — did you mean "timezone"?',
          hint: 'fields allowed here: id, name, icon, role, team, manager, channels, timezone, workingHours, tools, jobs, approval, budget, handoffs',
        },
      ]);
    });

    it('points at a misspelled field inside a job', () => {
      expect(problemsOf(withLines({ 14: '    schedul: "0 8 * * 1"' }))).toEqual([
        expect.objectContaining({ line: 13, column: 5, message: 'jobs[0]: a job needs a schedule, triggers, or both' }),
        expect.objectContaining({ line: 14, column: 5, message: 'unknown field "schedul" in jobs[0] — did you mean "schedule"?' }),
      ]);
    });

    it('says to remove an unknown field with no close match', () => {
      expect(problemsOf(withLines({}, ['colour: blue']))).toEqual([
        expect.objectContaining({ line: 17, column: 1, message: 'unknown field "colour": remove it or check its spelling' }),
      ]);
    });

    it('reports a bad cron expression at its value', () => {
      expect(problemsOf(withLines({ 14: '    schedule: "0 8 * * funday"' }))).toEqual([
        {
          file: 'ava.yaml',
          line: 14,
          column: 15,
          message:
            'jobs[0].schedule: not a valid cron expression: use five fields "minute hour day month weekday", e.g. "0 8 * * 1" for Mondays at 08:00 (a sixth, leading field gives seconds)',
        },
      ]);
    });

    it('reports an unknown time zone at its value', () => {
      expect(problemsOf(withLines({ 10: 'timezone: Europe/Berln' }))).toEqual([
        {
          file: 'ava.yaml',
          line: 10,
          column: 11,
          message: 'timezone: unknown time zone: use an IANA name such as "Europe/Berlin" or "America/New_York"',
        },
      ]);
    });

    it('reports a coworker without a manager at the enclosing mapping', () => {
      expect(problemsOf(withLines({ 6: [], 7: [], 8: [], 9: [] }))).toEqual([
        {
          file: 'ava.yaml',
          line: 2,
          column: 1,
          message: 'missing "manager": every coworker reports to one person; add manager: { name, slack and/or teams, email }',
        },
      ]);
    });

    it('reports a missing field of the manager at the manager mapping', () => {
      expect(problemsOf(withLines({ 9: [] }))).toEqual([
        expect.objectContaining({ line: 7, column: 3, message: expect.stringMatching(/^missing "email" in manager: /) }),
      ]);
    });

    it('reports a field left empty at its key', () => {
      expect(problemsOf(withLines({ 6: 'manager:', 7: [], 8: [], 9: [] }))).toEqual([
        expect.objectContaining({ line: 6, column: 1, message: expect.stringMatching(/^"manager" has no value: /) }),
      ]);
    });

    it('reports a job tool that is not granted to the coworker', () => {
      expect(problemsOf(withLines({ 15: '    tools: [ads.getCampaignStats, sheets.appendRow]' }))).toEqual([
        {
          file: 'ava.yaml',
          line: 15,
          column: 35,
          message: 'jobs[0].tools[1]: tool "sheets.appendRow" is not granted to this coworker: add it to the top-level "tools" list',
        },
      ]);
    });

    it('reports an escalation that does not end in block or reject', () => {
      expect(problemsOf(withLines({}, ['approval:', '  escalation: [remind, manager]']))).toEqual([
        {
          file: 'ava.yaml',
          line: 18,
          column: 15,
          message: 'approval.escalation: the last escalation step must be "block" or "reject", so no wait lasts forever',
        },
      ]);
    });

    it('explains a wrong type in plain words', () => {
      expect(problemsOf(withLines({ 3: 'name: 2024' }))).toEqual([
        expect.objectContaining({ line: 3, column: 7, message: 'name: expected text, found the number 2024 (quote it to make it text: "2024")' }),
      ]);
    });

    it('turns every issue into a problem, in file order', () => {
      const problems = problemsOf(withLines({ 3: 'name: ""', 10: 'timezone: Mars/Olympus', 14: '    schedule: "every monday"' }));
      expect(problems.map(({ line, column }) => `${line}:${column}`)).toEqual(['3:7', '10:11', '14:15']);
    });
  });

  describe('chats', () => {
    it('takes Slack and Teams channels, a manager known in Teams, and approvers by Slack or Teams id', () => {
      const entra = '6f1c1a4e-58a2-4c1b-9f0e-2d3b8c7a9e10';
      const { definition, problems } = parseDefinition(
        withLines({ 9: ['  email: maria@example.com', `  teams: ${entra}`] }, ['channels: ["#marketing", "teams:Marketing/Ad performance"]', 'approval:', `  approvers: [U04MARIA01, ${entra}]`]),
        'ava.yaml',
      );
      expect(problems).toEqual([]);
      expect(definition).toMatchObject({ channels: ['#marketing', 'teams:Marketing/Ad performance'], manager: { teams: entra }, approval: { approvers: ['U04MARIA01', entra] } });
    });

    it('takes a manager known only in Teams, and refuses one known in neither chat', () => {
      const entra = '6f1c1a4e-58a2-4c1b-9f0e-2d3b8c7a9e10';
      const teamsOnly = parseDefinition(withLines({ 8: `  teams: ${entra}` }), 'ava.yaml');
      expect(teamsOnly.problems).toEqual([]);
      expect(approversOf(teamsOnly.definition!)).toEqual([entra]);
      expect(problemsOf(withLines({ 8: [] })).map(({ line, message }) => `${line}: ${message}`)).toEqual([
        expect.stringMatching(/^7: manager.slack: a manager needs a Slack user id \("slack: U0123ABCD"\), a Teams user's Entra object id \("teams: …"\), or both/),
      ]);
    });

    it('says how to write a channel, a Teams user and an approver', () => {
      const problems = problemsOf(withLines({ 9: ['  email: maria@example.com', '  teams: maria@contoso.com'] }, ['channels: ["Marketing/Ad performance"]', 'approval:', '  approvers: [maria]']));
      expect(problems.map(({ line, column, message }) => `${line}:${column}: ${message}`)).toEqual([
        expect.stringMatching(/^10:10: .*Microsoft Entra object id/),
        '18:12: channels[0]: a channel is written "#name" for Slack or "teams:<team>/<channel>" for Teams, e.g. "teams:Marketing/Ad performance"',
        `20:15: approval.approvers[0]: an approver is a Slack user id ("U0123ABCD") or a Teams user's Entra object id`,
      ]);
    });
  });
});
