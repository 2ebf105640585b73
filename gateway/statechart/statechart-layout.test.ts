import { describe, expect, it } from 'vitest';
import type { AnyStateMachine } from 'xstate';
import { coworkerMachine } from '../../machines/index.ts';
import { statechartGraph } from './statechart-graph.ts';
import { layoutStatechart, type Box, type Point } from './statechart-layout.ts';
import { CONTAINER_TITLE_HEIGHT } from './statechart-metrics.ts';
import { awkwardMachine, doorMachine } from './test-machines.ts';

function overlap(a: Box, b: Box): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

function inside(inner: Box, outer: Box): boolean {
  return inner.x >= outer.x && inner.y >= outer.y && inner.x + inner.width <= outer.x + outer.width && inner.y + inner.height <= outer.y + outer.height;
}

/** How far a point is from the outline of a box (0: on it). */
function distanceToOutline(point: Point, box: Box): number {
  const dx = Math.max(box.x - point.x, 0, point.x - (box.x + box.width));
  const dy = Math.max(box.y - point.y, 0, point.y - (box.y + box.height));
  if (dx > 0 || dy > 0) return Math.hypot(dx, dy);
  return Math.min(point.x - box.x, box.x + box.width - point.x, point.y - box.y, box.y + box.height - point.y);
}

describe.each([
  ['the coworker machine', coworkerMachine as AnyStateMachine],
  ['a machine with nested and parallel states', doorMachine as AnyStateMachine],
  ['a machine with awkward names', awkwardMachine as AnyStateMachine],
])('layoutStatechart of %s', async (_name, machine) => {
  const graph = statechartGraph(machine);
  const layout = await layoutStatechart(graph);
  const boxOf = new Map(layout.states.map((state) => [state.id, state]));

  it('gives every state a box inside the drawing', () => {
    expect(layout.states.map((state) => state.id)).toEqual(graph.states.map((state) => state.id));
    for (const state of layout.states) {
      expect(state.width).toBeGreaterThan(0);
      expect(state.height).toBeGreaterThan(0);
      expect(inside(state, { x: 0, y: 0, width: layout.width, height: layout.height })).toBe(true);
    }
  });

  it('puts every child inside its parent, below the parent title', () => {
    for (const state of layout.states.filter((candidate) => candidate.parentId !== null)) {
      const parent = boxOf.get(state.parentId!)!;
      const content = { ...parent, y: parent.y + CONTAINER_TITLE_HEIGHT, height: parent.height - CONTAINER_TITLE_HEIGHT };
      expect({ child: state.id, inside: inside(state, content) }).toEqual({ child: state.id, inside: true });
    }
  });

  it('lets no two sibling states or initial dots overlap', () => {
    const parents = new Set(layout.states.map((state) => state.parentId));
    for (const parentId of parents) {
      const siblings = [
        ...layout.states.filter((state) => state.parentId === parentId).map((state) => ({ id: state.id, box: state as Box })),
        ...layout.initials.filter((initial) => initial.parentId === parentId).map((initial) => ({ id: `initial of ${parentId}`, box: initial.dot })),
      ];
      for (const [index, a] of siblings.entries()) {
        for (const b of siblings.slice(index + 1)) expect({ a: a.id, b: b.id, overlap: overlap(a.box, b.box) }).toEqual({ a: a.id, b: b.id, overlap: false });
      }
    }
  });

  it('draws one arrow per transition, from the source outline to the target outline', () => {
    const arrows = graph.transitions.filter((transition) => !transition.targetless);
    expect(layout.transitions.map(({ source, target, event }) => ({ source, target, event }))).toEqual(arrows.map(({ source, target, event }) => ({ source, target, event })));
    for (const transition of layout.transitions) {
      expect(transition.points.length).toBeGreaterThanOrEqual(2);
      expect(distanceToOutline(transition.points[0]!, boxOf.get(transition.source)!)).toBeLessThan(1);
      expect(distanceToOutline(transition.points.at(-1)!, boxOf.get(transition.target)!)).toBeLessThan(1);
    }
  });

  it('lists targetless transitions inside their state instead of drawing them', () => {
    for (const state of layout.states) {
      const expected = graph.transitions.filter((transition) => transition.targetless && transition.source === state.id).map((transition) => transition.label);
      expect(state.internal).toEqual(expected);
    }
  });

  it('keeps arrow labels apart from each other and off the state boxes', () => {
    const labels = layout.transitions.map((transition) => ({ lines: transition.lines.join(' '), box: transition.labelBox }));
    for (const [index, a] of labels.entries()) {
      for (const b of labels.slice(index + 1)) expect({ a: a.lines, b: b.lines, overlap: overlap(a.box, b.box) }).toEqual({ a: a.lines, b: b.lines, overlap: false });
      for (const state of layout.states.filter((candidate) => !candidate.container)) {
        expect({ label: a.lines, state: state.id, overlap: overlap(a.box, state) }).toEqual({ label: a.lines, state: state.id, overlap: false });
      }
    }
  });

  it('starts each compound state with a dot and an arrow into its initial state', () => {
    const initialStates = graph.states.filter((state) => state.initial);
    expect(layout.initials.map((initial) => initial.target)).toEqual(initialStates.map((state) => state.id));
    for (const initial of layout.initials) {
      expect(inside(initial.dot, boxOf.get(initial.parentId)!)).toBe(true);
      expect(distanceToOutline(initial.points.at(-1)!, boxOf.get(initial.target)!)).toBeLessThan(1);
    }
  });
});

describe('layoutStatechart of parallel regions', () => {
  it('places the regions side by side', async () => {
    const layout = await layoutStatechart(statechartGraph(coworkerMachine));
    const [status, shift] = ['coworker.status', 'coworker.shift'].map((id) => layout.states.find((state) => state.id === id)!);
    expect(status!.region && shift!.region).toBe(true);
    expect(shift!.x).toBeGreaterThanOrEqual(status!.x + status!.width);
    expect(shift!.y).toBe(status!.y);
  });
});
