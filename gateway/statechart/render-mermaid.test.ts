import { describe, expect, it } from 'vitest';
import { coworkerMachine } from '../../machines/index.ts';
import { renderStatechartMermaid } from './render-mermaid.ts';
import { statechartGraph } from './statechart-graph.ts';
import { awkwardMachine, doorMachine } from './test-machines.ts';

const coworkerGraph = statechartGraph(coworkerMachine);

describe('renderStatechartMermaid', () => {
  it('nests the regions in the machine, split by --, each starting at its initial state', () => {
    const text = renderStatechartMermaid(coworkerGraph);
    expect(text.startsWith('stateDiagram-v2\n')).toBe(true);
    const lines = text.split('\n').map((line) => line.trim());
    const at = (line: string) => lines.indexOf(line);
    expect(at('state "coworker" as coworker {')).toBeGreaterThan(0);
    expect(at('state "status" as coworker_status {')).toBeGreaterThan(at('state "coworker" as coworker {'));
    expect(at('--')).toBeGreaterThan(at('state "status" as coworker_status {'));
    expect(at('state "shift" as coworker_shift {')).toBeGreaterThan(at('--'));
    expect(lines).toContain('[*] --> coworker_status_idle');
    expect(lines).toContain('[*] --> coworker_shift_offDuty');
    expect(lines).toContain('state "awaitingApproval" as coworker_status_awaitingApproval');
  });

  it('writes every arrow with its label, and the targetless transitions inside their states', () => {
    const lines = renderStatechartMermaid(coworkerGraph).split('\n').map((line) => line.trim());
    const arrows = lines.filter((line) => / --> /.test(line) && !line.startsWith('[*]'));
    expect(arrows).toHaveLength(coworkerGraph.transitions.filter((transition) => !transition.targetless).length);
    expect(lines).toContain('coworker_status_idle --> coworker_status_working : always [hasBacklog #38;#38; (onDuty || nextRunsAnyTime)]');
    expect(lines).toContain('coworker_shift_offDuty --> coworker_shift_onDuty : shift.start');
    expect(lines).toContain('coworker_status_blocked : block.resolve [!mayUnblock]');
    // A composite state takes no description lines in Mermaid: the machine's own go in a note.
    expect(lines.slice(lines.indexOf('note right of coworker'), lines.indexOf('end note'))).toEqual(['note right of coworker', 'task.assign [isNewTask]', 'task.cancel', 'approval.decide', 'policy.update', 'handoff.offer', 'handoff.answer', 'task.reassign']);
  });

  it('styles the active states with the active class', () => {
    const text = renderStatechartMermaid(coworkerGraph, { active: ['coworker.status.working', 'coworker.shift.onDuty'] });
    expect(text).toMatch(/^ {2}classDef active .*font-weight:bold$/m);
    expect(text.split('\n').filter((line) => line.includes('class ') && !line.includes('classDef'))).toEqual(['  class coworker_status_working active', '  class coworker_shift_onDuty active']);
  });

  it('makes ids Mermaid accepts and keeps the names readable', () => {
    const text = renderStatechartMermaid(statechartGraph(awkwardMachine));
    expect(text).toContain('state "a#60;b#62;#38;#34;c#34;" as awk_a_b___c_');
    expect(text).toContain('awk_a_b___c_ --> awk_end : say #34;hi#34; #38; #60;bye#62;#59; #35;1');
    // A final state ends its region; a history state has a name of its own.
    const door = renderStatechartMermaid(statechartGraph(doorMachine));
    expect(door).toContain('door_open_lock_done --> [*]');
    expect(door).toContain('state "H*" as door_open_light_previous');
    // An arrow across levels stands outside every block, or Mermaid would move its target out of its parent.
    expect(door).toContain('\n  door_open --> door_open_light_on : WAKE\n');
    for (const [, id] of door.matchAll(/ as (\S+)/g)) expect(id).toMatch(/^[A-Za-z][A-Za-z0-9_]*$/);
  });
});
