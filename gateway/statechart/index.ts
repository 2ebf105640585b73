// The coworker statechart drawn from the machine definition itself: a graph of every state and
// transition, an elkjs layout, and SVG, Mermaid and JSON views with the current state marked.
import { coworkerMachine } from '../../machines/index.ts';
import type { CoworkerStatus } from '../../protocol/index.ts';
import { statechartGraph, type StatechartGraph, type StatechartState } from './statechart-graph.ts';
import { layoutStatechart, type StatechartLayout } from './statechart-layout.ts';

export { statechartGraph, type StatechartGraph, type StatechartState, type StatechartStateType, type StatechartTransition } from './statechart-graph.ts';
export { layoutStatechart, type LaidOutState, type LaidOutTransition, type StatechartLayout } from './statechart-layout.ts';
export { renderStatechartSvg, type SvgOptions } from './render-svg.ts';
export { renderStatechartMermaid, type MermaidOptions } from './render-mermaid.ts';

export interface CoworkerStatechart {
  graph: StatechartGraph;
  layout: StatechartLayout;
}

let cached: Promise<CoworkerStatechart> | undefined;

/** The coworker machine's graph and layout, computed on first use: the machine is the same for every coworker. */
export function coworkerStatechart(): Promise<CoworkerStatechart> {
  cached ??= computeCoworkerStatechart().catch((error: unknown) => {
    // Not kept: the next call tries again.
    cached = undefined;
    throw error;
  });
  return cached;
}

async function computeCoworkerStatechart(): Promise<CoworkerStatechart> {
  const graph = statechartGraph(coworkerMachine);
  return { graph, layout: await layoutStatechart(graph) };
}

/** The state node ids a coworker is in: one per parallel region; none before it ever ran. */
export function activeStatesOf(status: CoworkerStatus | null): string[] {
  if (!status) return [];
  const machineId = coworkerMachine.id;
  return [`${machineId}.status.${status.state.status}`, `${machineId}.shift.${status.state.shift}`];
}

export interface StatechartJson {
  states: Array<StatechartState & { active: boolean }>;
  transitions: StatechartGraph['transitions'];
  active: string[];
}

/** The graph as plain data with the active states marked, for `--format json` and scripts. */
export function statechartJson(graph: StatechartGraph, options: { active?: readonly string[] } = {}): StatechartJson {
  const active = new Set(options.active ?? []);
  return {
    states: graph.states.map((state) => ({ ...state, active: active.has(state.id) })),
    transitions: graph.transitions,
    active: graph.states.filter((state) => active.has(state.id)).map((state) => state.id),
  };
}
