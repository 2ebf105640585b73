import { describe, expect, it } from 'vitest';
import type { AnyStateMachine, AnyStateNode } from 'xstate';
import { coworkerMachine } from '../../machines/index.ts';
import { statechartGraph } from './statechart-graph.ts';
import { doorMachine } from './test-machines.ts';

/**
 * Counts transitions from the raw config the machine was written with, not from XState's parsed
 * nodes the graph reads: one per target, one for a targetless transition.
 */
function transitionsInConfig(node: AnyStateNode): { total: number; targetless: number } {
  const configs: unknown[] = [];
  const add = (value: unknown): void => {
    if (value === undefined) return;
    for (const item of Array.isArray(value) ? value : [value]) configs.push(typeof item === 'string' ? { target: item } : item);
  };
  const config = node.config as Record<string, unknown>;
  for (const value of Object.values((config.on ?? {}) as Record<string, unknown>)) add(value);
  for (const value of Object.values((config.after ?? {}) as Record<string, unknown>)) add(value);
  add(config.always);
  add(config.onDone);
  for (const invoke of [config.invoke ?? []].flat() as Array<Record<string, unknown>>) {
    add(invoke.onDone);
    add(invoke.onError);
  }
  const targetCounts = configs.map((transition) => {
    const target = (transition as { target?: string | string[] }).target;
    return target === undefined ? 0 : [target].flat().length;
  });
  return { total: targetCounts.reduce((sum, count) => sum + Math.max(count, 1), 0), targetless: targetCounts.filter((count) => count === 0).length };
}

function everyNode(machine: AnyStateMachine): AnyStateNode[] {
  const nodes: AnyStateNode[] = [];
  const visit = (node: AnyStateNode): void => {
    nodes.push(node);
    for (const child of Object.values(node.states)) visit(child);
  };
  visit(machine.root);
  return nodes;
}

describe('statechartGraph', () => {
  describe.each([
    ['the coworker machine', coworkerMachine as AnyStateMachine],
    ['a machine with nested and parallel states', doorMachine as AnyStateMachine],
  ])('of %s', (_name, machine) => {
    const graph = statechartGraph(machine);

    it('has, for every state, as many transitions as its config declares', () => {
      for (const node of everyNode(machine)) {
        const fromNode = graph.transitions.filter((transition) => transition.source === node.id);
        const expected = transitionsInConfig(node);
        expect({ id: node.id, total: fromNode.length, targetless: fromNode.filter((transition) => transition.targetless).length }).toEqual({ id: node.id, ...expected });
      }
    });

    it('points every transition at a state of the graph, and each state at its parent', () => {
      const ids = new Set(graph.states.map((state) => state.id));
      expect(ids.size).toBe(graph.states.length);
      for (const transition of graph.transitions) expect([ids.has(transition.source), ids.has(transition.target)]).toEqual([true, true]);
      for (const state of graph.states.filter((candidate) => candidate.parentId !== null)) expect(ids.has(state.parentId!)).toBe(true);
    });

    it('marks exactly one initial state in each compound state and none elsewhere', () => {
      for (const state of graph.states) {
        const initials = graph.states.filter((child) => child.parentId === state.id && child.initial);
        expect({ id: state.id, initials: initials.length }).toEqual({ id: state.id, initials: state.type === 'compound' ? 1 : 0 });
      }
    });
  });

  it('reads the coworker statechart: two parallel regions, their states, and the eventless start of work', () => {
    const graph = statechartGraph(coworkerMachine);
    expect(graph.states.map(({ id, type, initial }) => `${id} ${type}${initial ? ' initial' : ''}`)).toEqual([
      'coworker parallel',
      'coworker.status compound',
      'coworker.status.idle atomic initial',
      'coworker.status.working atomic',
      'coworker.status.awaitingApproval atomic',
      'coworker.status.blocked atomic',
      'coworker.shift compound',
      'coworker.shift.offDuty atomic initial',
      'coworker.shift.onDuty atomic',
    ]);
    expect(graph.transitions).toContainEqual({
      source: 'coworker.status.idle',
      target: 'coworker.status.working',
      event: '',
      label: 'always [hasBacklog && (onDuty || nextRunsAnyTime)]',
      guard: 'hasBacklog && (onDuty || nextRunsAnyTime)',
      targetless: false,
    });
    expect(graph.transitions).toContainEqual({
      source: 'coworker.status.working',
      target: 'coworker.status.blocked',
      event: 'xstate.error.actor.run',
      label: 'run failed',
      targetless: false,
    });
    expect(graph.transitions).toContainEqual({
      source: 'coworker.status.awaitingApproval',
      target: 'coworker.status.awaitingApproval',
      event: 'approval.decide',
      label: 'approval.decide [!isApprover]',
      guard: '!isApprover',
      targetless: true,
    });
  });

  it('reads every kind of state and transition of a hand-written machine', () => {
    const graph = statechartGraph(doorMachine);
    expect(graph.states.map(({ id, label, parentId, type, initial }) => [id, label, parentId, type, initial])).toEqual([
      ['door', 'door', null, 'compound', false],
      ['door.closed', 'closed', 'door', 'atomic', true],
      ['door.opening', 'opening', 'door', 'atomic', false],
      ['door.open', 'open', 'door', 'parallel', false],
      ['door.open.light', 'light', 'door.open', 'compound', false],
      ['door.open.light.off', 'off', 'door.open.light', 'atomic', true],
      ['door.open.light.on', 'on', 'door.open.light', 'atomic', false],
      ['door.open.light.previous', 'H*', 'door.open.light', 'history', false],
      ['door.open.lock', 'lock', 'door.open', 'compound', false],
      ['door.open.lock.unlocked', 'unlocked', 'door.open.lock', 'atomic', true],
      ['door.open.lock.locked', 'locked', 'door.open.lock', 'atomic', false],
      ['door.open.lock.done', 'done', 'door.open.lock', 'final', false],
      ['door.broken', 'broken', 'door', 'final', false],
    ]);
    expect(graph.transitions.map(({ source, target, label, targetless }) => `${source} -> ${target}: ${label}${targetless ? ' (targetless)' : ''}`)).toEqual([
      'door -> door.closed: RESET',
      'door -> door: PING (targetless)',
      'door.closed -> door.opening: OPEN [ready && !jammed]',
      'door.opening -> door.open: unlatch done',
      'door.opening -> door.closed: unlatch failed',
      'door.opening -> door.closed: after 1000ms',
      'door.opening -> door.broken: after patience',
      'door.open -> door.open.light.on: WAKE',
      'door.open -> door.open.lock.locked: WAKE',
      'door.open -> door.closed: open done',
      'door.open.light.off -> door.open.light.on: TOGGLE',
      'door.open.light.on -> door.open.light.off: TOGGLE',
      'door.open.lock.unlocked -> door.open.lock.locked: LOCK [in(open.light.on)]',
      'door.open.lock.locked -> door.open.lock.done: always [ready || jammed]',
    ]);
  });
});
