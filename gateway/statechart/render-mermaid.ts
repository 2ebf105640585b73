// Writes a statechart graph as Mermaid `stateDiagram-v2` text, for READMEs, issues and chat:
// composite states nest, parallel regions are split by `--`, active states get a class.
import type { StatechartGraph, StatechartState, StatechartTransition } from './statechart-graph.ts';

export interface MermaidOptions {
  /** State ids to highlight. */
  active?: readonly string[];
}

const INDENT = '  ';
// Words Mermaid reads as syntax when they stand where a state name goes.
const KEYWORDS = new Set(['state', 'note', 'end', 'class', 'classdef', 'direction', 'as', 'left', 'right', 'of', 'click', 'style', 'linkstyle', 'default']);
const ACTIVE_STYLE = 'fill:#e3edff,stroke:#2f6fe4,stroke-width:3px,color:#1747a6,font-weight:bold';

export function renderStatechartMermaid(graph: StatechartGraph, options: MermaidOptions = {}): string {
  const names = mermaidNames(graph.states);
  const childrenOf = (id: string | null) => graph.states.filter((state) => state.parentId === id);
  const arrows = graph.transitions.filter((transition) => !transition.targetless);
  const byId = new Map(graph.states.map((state) => [state.id, state]));
  // An arrow between siblings goes in their parent's block. Mermaid moves a state into whichever
  // block mentions it, so an arrow across levels goes at the top, outside every block.
  const blockOf = (transition: StatechartTransition) => {
    const [source, target] = [byId.get(transition.source)!, byId.get(transition.target)!];
    return source.parentId === target.parentId ? source.parentId : null;
  };
  const arrowsIn = (containerId: string | null) => arrows.filter((transition) => blockOf(transition) === containerId);

  const lines = ['stateDiagram-v2'];
  const writeBody = (containerId: string | null, depth: number): void => {
    const pad = INDENT.repeat(depth);
    const children = childrenOf(containerId);
    const container = containerId === null ? null : byId.get(containerId)!;
    children.forEach((child, index) => {
      // A parallel state's children are its regions, which Mermaid separates with `--`.
      if (container?.type === 'parallel' && index > 0) lines.push(`${pad}--`);
      if (child.initial) lines.push(`${pad}[*] --> ${names.get(child.id)}`);
      writeState(child, depth);
    });
    for (const transition of arrowsIn(containerId)) {
      lines.push(`${pad}${names.get(transition.source)} --> ${names.get(transition.target)} : ${mermaidText(transition.label)}`);
    }
  };
  const writeState = (state: StatechartState, depth: number): void => {
    const pad = INDENT.repeat(depth);
    const name = names.get(state.id)!;
    const declaration = `${pad}state "${mermaidText(state.label)}" as ${name}`;
    if (childrenOf(state.id).length === 0) {
      lines.push(declaration);
      // A final state completes its parent: Mermaid's end marker says so.
      if (state.type === 'final') lines.push(`${pad}${name} --> [*]`);
    } else {
      lines.push(`${declaration} {`);
      writeBody(state.id, depth + 1);
      lines.push(`${pad}}`);
    }
    // Targetless transitions are listed inside the state, as in the SVG's state boxes; Mermaid
    // gives composite states no description lines, so theirs go in a note.
    const internal = graph.transitions.filter((candidate) => candidate.targetless && candidate.source === state.id).map((transition) => mermaidText(transition.label));
    if (internal.length === 0) return;
    if (childrenOf(state.id).length === 0) for (const line of internal) lines.push(`${pad}${name} : ${line}`);
    else lines.push(`${pad}note right of ${name}`, ...internal.map((line) => `${pad}${INDENT}${line}`), `${pad}end note`);
  };
  writeBody(null, 1);

  const active = (options.active ?? []).filter((id) => names.has(id));
  lines.push(`${INDENT}classDef active ${ACTIVE_STYLE}`);
  for (const id of active) lines.push(`${INDENT}class ${names.get(id)} active`);
  return `${lines.join('\n')}\n`;
}

/** Mermaid ids may hold letters, digits and underscores only: `coworker.status.idle` → `coworker_status_idle`. */
function mermaidNames(states: StatechartState[]): Map<string, string> {
  const names = new Map<string, string>();
  const taken = new Set<string>();
  for (const state of states) {
    let base = state.id.replace(/[^A-Za-z0-9_]/g, '_');
    if (!/^[A-Za-z]/.test(base) || KEYWORDS.has(base.toLowerCase())) base = `s_${base}`;
    let name = base;
    for (let counter = 2; taken.has(name); counter++) name = `${base}_${counter}`;
    taken.add(name);
    names.set(state.id, name);
  }
  return names;
}

/** Mermaid's entity codes for what its grammar or its HTML labels would misread. */
function mermaidText(text: string): string {
  return text.replace(/[#;"<>&{}]/g, (character) => `#${character.codePointAt(0)};`);
}
