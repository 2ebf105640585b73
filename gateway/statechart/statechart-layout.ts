// Lays a statechart graph out with elkjs: compound and parallel states are ELK nodes holding
// their children, laid out as one hierarchy (layered, top to bottom) so arrows may cross levels.
import elkBundle from 'elkjs/lib/elk.bundled.js';
import type { ElkExtendedEdge, ElkNode } from 'elkjs/lib/elk-api.js';
import { labelLines, type StatechartGraph, type StatechartState, type StatechartTransition } from './statechart-graph.ts';
import {
  CONTAINER_PADDING,
  CONTAINER_TITLE_HEIGHT,
  EDGE_LABEL_PADDING_X,
  EDGE_LABEL_PADDING_Y,
  HISTORY_SIZE,
  INITIAL_MARKER_SIZE,
  INTERNAL_PADDING_Y,
  LINE_HEIGHT,
  STATE_MIN_WIDTH,
  STATE_PADDING_X,
  STATE_TITLE_HEIGHT,
  TEXT_FONT_SIZE,
  TITLE_FONT_SIZE,
  textWidth,
} from './statechart-metrics.ts';

export interface Point {
  x: number;
  y: number;
}

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface LaidOutState extends StatechartState, Box {
  /** Whether it holds other states (compound or parallel): drawn as a frame with a title row. */
  container: boolean;
  /** A region of a parallel state: drawn dashed, side by side with its sibling regions. */
  region: boolean;
  /** Its targetless transitions, listed inside the box. */
  internal: string[];
}

export interface LaidOutTransition {
  source: string;
  target: string;
  event: string;
  lines: string[];
  /** Start, bend points and end, in order; orthogonal segments. */
  points: Point[];
  labelBox: Box;
}

/** The dot in a compound state with an arrow to its initial state. */
export interface LaidOutInitial {
  parentId: string;
  target: string;
  dot: Box;
  points: Point[];
}

export interface StatechartLayout {
  width: number;
  height: number;
  /** Parents before their children, so drawing in this order nests correctly. */
  states: LaidOutState[];
  transitions: LaidOutTransition[];
  initials: LaidOutInitial[];
}

// elkjs is CommonJS typed as an ES module; its constructor is also its own `default`, which both agree on.
const ELK = elkBundle.default;

const INITIAL_PREFIX = 'initial:';
const MARGIN = 12;

// ELK reads most layered options per nested graph, so every container gets them, not only the top.
const GRAPH_OPTIONS = {
  'elk.algorithm': 'layered',
  'elk.direction': 'DOWN',
  'elk.hierarchyHandling': 'INCLUDE_CHILDREN',
  'elk.edgeRouting': 'ORTHOGONAL',
  // Depth first from the initial dot: arrows back towards the initial state are the ones that point up.
  'elk.layered.cycleBreaking.strategy': 'DEPTH_FIRST',
  'elk.layered.nodePlacement.strategy': 'NETWORK_SIMPLEX',
  'elk.spacing.nodeNode': '36',
  'elk.layered.spacing.nodeNodeBetweenLayers': '40',
  'elk.spacing.edgeNode': '16',
  'elk.spacing.edgeEdge': '12',
  'elk.layered.spacing.edgeNodeBetweenLayers': '14',
  'elk.layered.spacing.edgeEdgeBetweenLayers': '10',
  'elk.spacing.edgeLabel': '4',
  'elk.spacing.componentComponent': '28',
  // Wide enough that a self-loop reads as a loop, not a notch in the box.
  'elk.spacing.nodeSelfLoop': '22',
};

export async function layoutStatechart(graph: StatechartGraph): Promise<StatechartLayout> {
  const byId = new Map(graph.states.map((state) => [state.id, state]));
  const internal = new Map<string, string[]>();
  for (const transition of graph.transitions.filter((candidate) => candidate.targetless)) {
    internal.set(transition.source, [...(internal.get(transition.source) ?? []), transition.label]);
  }
  const arrows = graph.transitions.filter((transition) => !transition.targetless);

  const elkNodes = new Map<string, ElkNode>();
  for (const state of graph.states) elkNodes.set(state.id, elkNodeOf(state, graph, internal.get(state.id) ?? []));
  for (const state of graph.states) {
    const parent = state.parentId === null ? undefined : elkNodes.get(state.parentId);
    if (parent) parent.children!.push(elkNodes.get(state.id)!);
  }
  const roots = graph.states.filter((state) => state.parentId === null);
  const top: ElkNode = {
    id: '',
    layoutOptions: {
      ...GRAPH_OPTIONS,
      'elk.padding': `[top=${MARGIN},left=${MARGIN},bottom=${MARGIN},right=${MARGIN}]`,
      // Every coordinate relative to the drawing, not to each edge's or node's container.
      'elk.json.shapeCoords': 'ROOT',
      'elk.json.edgeCoords': 'ROOT',
    },
    children: roots.map((state) => elkNodes.get(state.id)!),
    edges: [],
  };
  const containerOf = (source: string, target: string): ElkNode => {
    const id = edgeContainer(byId, source, target);
    return id === null ? top : elkNodes.get(id)!;
  };

  arrows.forEach((transition, index) => containerOf(transition.source, transition.target).edges!.push(elkEdgeOf(`t${index}`, transition)));
  for (const state of graph.states.filter((candidate) => candidate.initial)) {
    const parent = elkNodes.get(state.parentId!)!;
    const dotId = `${INITIAL_PREFIX}${state.parentId}`;
    // Nothing leads into the dot, so depth-first cycle breaking starts there and the initial
    // state gets the top layer.
    parent.children!.unshift({ id: dotId, width: INITIAL_MARKER_SIZE, height: INITIAL_MARKER_SIZE });
    parent.edges!.push({ id: `${INITIAL_PREFIX}${state.id}`, sources: [dotId], targets: [state.id] });
  }

  const laidOut = await new ELK().layout(top);
  return readLayout(laidOut, graph, arrows, internal);
}

function elkNodeOf(state: StatechartState, graph: StatechartGraph, internal: string[]): ElkNode {
  const hasChildren = graph.states.some((candidate) => candidate.parentId === state.id);
  const titleWidth = textWidth(state.label, TITLE_FONT_SIZE, true);
  const internalWidth = Math.max(0, ...internal.map((line) => textWidth(line, TEXT_FONT_SIZE)));
  const internalHeight = internal.length ? internal.length * LINE_HEIGHT + 2 * INTERNAL_PADDING_Y : 0;
  if (hasChildren) {
    const top = CONTAINER_TITLE_HEIGHT + internalHeight;
    return {
      id: state.id,
      children: [],
      edges: [],
      layoutOptions: {
        ...GRAPH_OPTIONS,
        'elk.padding': `[top=${top},left=${CONTAINER_PADDING},bottom=${CONTAINER_PADDING},right=${CONTAINER_PADDING}]`,
        'elk.nodeSize.constraints': 'MINIMUM_SIZE',
        'elk.nodeSize.minimum': `(${Math.max(titleWidth, internalWidth) + 2 * CONTAINER_PADDING}, ${top + CONTAINER_PADDING})`,
        // Parallel regions share a layer: line their tops up rather than centring the shorter one.
        'elk.alignment': 'TOP',
      },
    };
  }
  if (state.type === 'history') return { id: state.id, width: HISTORY_SIZE, height: HISTORY_SIZE };
  return {
    id: state.id,
    width: Math.max(STATE_MIN_WIDTH, titleWidth + 2 * STATE_PADDING_X, internalWidth + 2 * STATE_PADDING_X),
    height: STATE_TITLE_HEIGHT + internalHeight,
  };
}

function elkEdgeOf(id: string, transition: StatechartTransition): ElkExtendedEdge {
  const lines = labelLines(transition);
  const width = Math.max(...lines.map((line) => textWidth(line, TEXT_FONT_SIZE))) + 2 * EDGE_LABEL_PADDING_X;
  const height = lines.length * LINE_HEIGHT + 2 * EDGE_LABEL_PADDING_Y;
  return {
    id,
    sources: [transition.source],
    targets: [transition.target],
    labels: [{ id: `${id}-label`, text: lines.join('\n'), width, height, layoutOptions: { 'elk.edgeLabels.placement': 'CENTER', 'elk.edgeLabels.inline': 'true' } }],
  };
}

/**
 * The node ELK wants an edge in: the deepest state holding both ends (null: the top of the
 * drawing), or the source itself for an edge into one of its descendants.
 */
function edgeContainer(byId: Map<string, StatechartState>, source: string, target: string): string | null {
  if (source !== target && ancestorsOf(byId, target).includes(source)) return source;
  return commonAncestor(byId, source, target);
}

/** The ids of a state's ancestors, its parent first. */
function ancestorsOf(byId: Map<string, StatechartState>, id: string): string[] {
  const chain: string[] = [];
  for (let current = byId.get(id)?.parentId ?? null; current !== null; current = byId.get(current)?.parentId ?? null) chain.push(current);
  return chain;
}

/** The deepest state that holds both, neither end counting as holding itself; null when none does. */
function commonAncestor(byId: Map<string, StatechartState>, a: string, b: string): string | null {
  const ofB = ancestorsOf(byId, b);
  return ancestorsOf(byId, a).find((id) => ofB.includes(id)) ?? null;
}

function readLayout(top: ElkNode, graph: StatechartGraph, arrows: StatechartTransition[], internal: Map<string, string[]>): StatechartLayout {
  const boxes = new Map<string, Box>();
  const edges = new Map<string, ElkExtendedEdge>();
  const collect = (node: ElkNode): void => {
    boxes.set(node.id, { x: node.x ?? 0, y: node.y ?? 0, width: node.width ?? 0, height: node.height ?? 0 });
    for (const edge of node.edges ?? []) edges.set(edge.id, edge);
    for (const child of node.children ?? []) collect(child);
  };
  collect(top);

  const byId = new Map(graph.states.map((state) => [state.id, state]));
  const states = graph.states.map((state) => ({
    ...state,
    ...boxes.get(state.id)!,
    container: graph.states.some((candidate) => candidate.parentId === state.id),
    region: state.parentId !== null && byId.get(state.parentId)?.type === 'parallel',
    internal: internal.get(state.id) ?? [],
  }));
  const transitions = arrows.map((transition, index) => {
    const edge = edges.get(`t${index}`)!;
    const label = edge.labels![0]!;
    return {
      source: transition.source,
      target: transition.target,
      event: transition.event,
      lines: labelLines(transition),
      points: pointsOf(edge),
      labelBox: { x: label.x ?? 0, y: label.y ?? 0, width: label.width ?? 0, height: label.height ?? 0 },
    };
  });
  const initials = graph.states
    .filter((state) => state.initial)
    .map((state) => ({
      parentId: state.parentId!,
      target: state.id,
      dot: boxes.get(`${INITIAL_PREFIX}${state.parentId}`)!,
      points: pointsOf(edges.get(`${INITIAL_PREFIX}${state.id}`)!),
    }));
  return { width: top.width ?? 0, height: top.height ?? 0, states, transitions, initials };
}

function pointsOf(edge: ElkExtendedEdge): Point[] {
  return (edge.sections ?? []).flatMap((section) => [section.startPoint, ...(section.bendPoints ?? []), section.endPoint]);
}
