import { describe, expect, it } from 'vitest';
import { applyAssignment, ASSIGNMENTS_COLLECTION, coworkerDefinitionSchema, nextAssignment, withAssignments, type Assignment, type CoworkerDefinition } from './index.ts';

const daniel = { name: 'Daniel Okafor', slack: 'U04DANIEL2', email: 'daniel@example.com' };
const maria = { name: 'Maria Lopez', slack: 'U04MARIA01', email: 'maria@example.com' };
const priya = { name: 'Priya Shah', slack: 'U04PRIYA03', email: 'priya@example.com' };

function definition(overrides: Record<string, unknown> = {}): CoworkerDefinition {
  return coworkerDefinitionSchema.parse({ id: 'sam', name: 'Sam', role: 'Sales', team: 'sales', manager: daniel, timezone: 'UTC', ...overrides });
}

function documentsWith(assignments: unknown[]) {
  return { list: async <T>(collection: string) => (collection === ASSIGNMENTS_COLLECTION ? assignments : []) as T[] };
}

const change = (team: string, manager: CoworkerDefinition['manager'], at = 1) => ({ team, manager, by: 'cli:ops', at, commandId: `assign:sam:${at}` });

describe('applyAssignment', () => {
  it('is the definition itself without an assignment', () => {
    const yaml = definition();
    expect(applyAssignment(yaml, null)).toBe(yaml);
  });

  it('sets the team and the manager, and the manager decides approvals when no approvers are listed', () => {
    const moved = applyAssignment(definition(), { team: 'marketing', manager: maria });
    expect(moved).toMatchObject({ team: 'marketing', manager: maria });
    expect(moved.approval.approvers).toBeUndefined();
  });

  it("gives the old manager's place among listed approvers to the new one, keeping the others", () => {
    const yaml = definition({ approval: { approvers: ['U04DANIEL2', 'U04PRIYA03'] } });
    expect(applyAssignment(yaml, { team: 'sales', manager: maria }).approval.approvers).toEqual(['U04MARIA01', 'U04PRIYA03']);
    // A deputy who becomes the manager is listed once.
    expect(applyAssignment(yaml, { team: 'sales', manager: priya }).approval.approvers).toEqual(['U04PRIYA03']);
    expect(yaml.approval.approvers).toEqual(['U04DANIEL2', 'U04PRIYA03']);
  });
});

describe('nextAssignment', () => {
  it('applies a second assignment to the YAML definition, not on top of the first', () => {
    const yaml = definition({ approval: { approvers: ['U04DANIEL2', 'U04PRIYA03'] } });
    const first = nextAssignment(yaml, null, change('sales', priya, 1));
    expect(first.definition.approval.approvers).toEqual(['U04PRIYA03']);
    const second = nextAssignment(first.definition, first.assignment, change('marketing', maria, 2));
    expect(second.definition).toMatchObject({ team: 'marketing', manager: maria });
    // Priya was listed in the file: she is an approver again once she is not the manager.
    expect(second.definition.approval.approvers).toEqual(['U04MARIA01', 'U04PRIYA03']);
    expect(second.assignment.base).toEqual({ team: 'sales', manager: daniel, approvers: ['U04DANIEL2', 'U04PRIYA03'] });
  });

  it('starts from the running definition when the YAML was edited since the last assignment', () => {
    const first = nextAssignment(definition(), null, change('marketing', maria, 1));
    const edited = definition({ manager: priya });
    const second = nextAssignment(edited, first.assignment, change('sales', daniel, 2));
    expect(second.assignment.base.manager).toEqual(priya);
  });
});

describe('withAssignments', () => {
  it('applies each stored assignment to its coworker and ignores unreadable documents', async () => {
    const { assignment } = nextAssignment(definition(), null, change('marketing', maria));
    const otto = definition({ id: 'otto', name: 'Otto' });
    const running = await withAssignments([definition(), otto], documentsWith([assignment, { coworkerId: 'otto', team: 42 }]));
    expect(running.map((coworker) => [coworker.id, coworker.team, coworker.manager.slack])).toEqual([
      ['sam', 'marketing', 'U04MARIA01'],
      ['otto', 'sales', 'U04DANIEL2'],
    ]);
  });

  it('lets the YAML win when it changed the team or manager after the assignment was made', async () => {
    const { assignment } = nextAssignment(definition(), null, change('marketing', maria));
    const edited = definition({ manager: priya });
    const [running] = await withAssignments([edited], documentsWith([assignment satisfies Assignment]));
    expect(running).toMatchObject({ team: 'sales', manager: priya });
  });
});
