// Reads any XState v5 machine's own state nodes into a plain graph of states and transitions,
// the one source the SVG, Mermaid and JSON views are drawn from.
import { and, not, or, stateIn, type AnyStateMachine, type AnyStateNode } from 'xstate';

export type StatechartStateType = 'atomic' | 'compound' | 'parallel' | 'final' | 'history';

export interface StatechartState {
  /** The XState id: the machine id and the path, e.g. `coworker.status.idle`. */
  id: string;
  key: string;
  label: string;
  parentId: string | null;
  type: StatechartStateType;
  /** The parent's initial state. */
  initial: boolean;
}

export interface StatechartTransition {
  source: string;
  target: string;
  /** The XState event type; empty for an eventless (`always`) transition. */
  event: string;
  /** What to print on the arrow: the event in words and the guard, e.g. `run done [outcomeIs(done)]`. */
  label: string;
  guard?: string;
  /**
   * The transition has no target: it runs actions and stays in the state (no exit, no entry).
   * Its target is its source; the views list it inside the state box, like UML internal
   * transitions, instead of a self-loop per guard, which would bury the real arrows.
   */
  targetless: boolean;
}

export interface StatechartGraph {
  states: StatechartState[];
  transitions: StatechartTransition[];
}

/** Every state node and every transition of the machine, in document order. */
export function statechartGraph(machine: AnyStateMachine): StatechartGraph {
  const graph: StatechartGraph = { states: [], transitions: [] };
  visit(machine.root, graph);
  return graph;
}

function visit(node: AnyStateNode, graph: StatechartGraph): void {
  graph.states.push({
    id: node.id,
    key: node.key,
    // History pseudo-states carry the usual statechart notation instead of their key.
    label: node.type === 'history' ? (node.history === 'deep' ? 'H*' : 'H') : node.key,
    parentId: node.parent?.id ?? null,
    type: node.type,
    initial: node.parent?.type === 'compound' && (node.parent.initial?.target ?? []).includes(node),
  });
  for (const [event, definitions] of node.transitions) {
    for (const definition of definitions) graph.transitions.push(...edgesOf(node, event, definition));
  }
  for (const definition of node.always ?? []) graph.transitions.push(...edgesOf(node, '', definition));
  for (const child of Object.values(node.states)) visit(child, graph);
}

type TransitionDefinition = NonNullable<AnyStateNode['always']>[number];

/** One edge per target: a transition into several parallel regions draws an arrow to each. */
function edgesOf(node: AnyStateNode, event: string, definition: TransitionDefinition): StatechartTransition[] {
  const guard = definition.guard === undefined ? undefined : guardLabel(definition.guard);
  const words = eventLabel(node, event);
  const label = guard === undefined ? words : `${words} [${guard}]`;
  const common = { event, label, ...(guard === undefined ? {} : { guard }) };
  const targets = definition.target ?? [];
  if (targets.length === 0) return [{ source: node.id, target: node.id, ...common, targetless: true }];
  return targets.map((target) => ({ source: node.id, target: target.id, ...common, targetless: false }));
}

/** XState's internal event names in words: `xstate.done.actor.run` → `run done`. */
function eventLabel(node: AnyStateNode, event: string): string {
  if (event === '') return 'always';
  const delayed = node.after.find((definition) => definition.eventType === event);
  if (delayed) return `after ${delayLabel(delayed.delay)}`;
  const actor = /^xstate\.(done|error)\.actor\.(.+)$/.exec(event);
  if (actor) return `${actorName(node, actor[2]!)} ${actor[1] === 'done' ? 'done' : 'failed'}`;
  const stateDone = /^xstate\.done\.state\.(.+)$/.exec(event);
  if (stateDone) return `${stateDone[1]!.split('.').at(-1)} done`;
  return event;
}

/** `1000` → `1000ms`; a named delay (`patience`) keeps its name. */
function delayLabel(delay: unknown): string {
  if (typeof delay === 'number') return `${delay}ms`;
  return typeof delay === 'string' ? delay : 'a delay';
}

/** The invoked actor's id, or its logic's name when XState made the id up (`0.door.opening`). */
function actorName(node: AnyStateNode, actorId: string): string {
  const invoked = node.invoke.find((definition) => definition.id === actorId);
  const generated = actorId === `${node.invoke.indexOf(invoked!)}.${node.id}`;
  return generated && typeof invoked?.src === 'string' ? invoked.src : actorId;
}

// The built-in higher-order guards are functions tagged with their `check`; comparing with
// fresh ones tells them apart without relying on function names.
const CHECK_NOT = (not('x') as unknown as { check: unknown }).check;
const CHECK_AND = (and([]) as unknown as { check: unknown }).check;
const CHECK_OR = (or([]) as unknown as { check: unknown }).check;
const CHECK_IN = (stateIn('x') as unknown as { check: unknown }).check;

interface HigherOrderGuard {
  check?: unknown;
  guards?: unknown[];
  stateValue?: unknown;
  name: string;
}

/** A guard in words: `hasBacklog && (onDuty || nextRunsAnyTime)`, `!isApprover`, `outcomeIs(done)`. */
function guardLabel(guard: unknown): string {
  if (typeof guard === 'string') return guard;
  if (typeof guard === 'function') {
    const composite = guard as HigherOrderGuard;
    const parts = composite.guards ?? [];
    if (composite.check === CHECK_NOT) return `!${nested(parts[0])}`;
    if (composite.check === CHECK_AND) return parts.map(nested).join(' && ');
    if (composite.check === CHECK_OR) return parts.map(nested).join(' || ');
    if (composite.check === CHECK_IN) return `in(${stateValueText(composite.stateValue)})`;
    // An inline predicate: its name is the property it was written under, often just `guard`.
    return composite.name || 'guard';
  }
  if (guard && typeof guard === 'object' && 'type' in guard) {
    const { type, params } = guard as { type: string; params?: unknown };
    if (params && typeof params === 'object') {
      const values = Object.values(params);
      if (values.every((value) => ['string', 'number', 'boolean'].includes(typeof value))) return `${type}(${values.join(', ')})`;
    }
    return type;
  }
  return 'guard';
}

function nested(guard: unknown): string {
  const text = guardLabel(guard);
  return / (&&|\|\|) /.test(text) ? `(${text})` : text;
}

/** `{ shift: 'onDuty' }` → `shift.onDuty`; a state id or path string stays as it is. */
function stateValueText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object') {
    return Object.entries(value)
      .map(([key, inner]) => `${key}.${stateValueText(inner)}`)
      .join(', ');
  }
  return String(value);
}

/** The label on two lines, the event above its guard, so arrows stay narrow. */
export function labelLines(transition: StatechartTransition): string[] {
  if (transition.guard === undefined) return [transition.label];
  const guardPart = ` [${transition.guard}]`;
  return [transition.label.slice(0, -guardPart.length), guardPart.trimStart()];
}
