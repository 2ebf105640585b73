// Draws a laid-out statechart as a standalone SVG: each state a `<g class="state"
// data-state-id="…">`, so a page can move the `active` class when the coworker changes state.
import type { Box, LaidOutState, LaidOutTransition, Point, StatechartLayout } from './statechart-layout.ts';
import {
  CONTAINER_PADDING,
  CONTAINER_TITLE_HEIGHT,
  EDGE_LABEL_PADDING_Y,
  FONT_FAMILY,
  INTERNAL_PADDING_Y,
  LINE_HEIGHT,
  STATE_PADDING_X,
  STATE_TITLE_HEIGHT,
  TEXT_FONT_SIZE,
  TITLE_FONT_SIZE,
} from './statechart-metrics.ts';

export interface SvgOptions {
  /** State ids to highlight. */
  active?: readonly string[];
}

const ARROW_ID = 'statechart-arrow';
const CORNER_RADIUS = 6;

// Scoped under .statechart: the console inlines the SVG, and its style must not leak into the page.
const STYLE = `
.statechart { font-family: ${FONT_FAMILY}; }
.statechart .background { fill: #ffffff; }
.statechart .state > .state-box { fill: #ffffff; stroke: #8a99a8; stroke-width: 1.25; }
.statechart .state.container > .state-box { fill: #f5f7f9; stroke: #c9d2db; }
.statechart .state.region > .state-box { fill: #fbfcfd; stroke: #a9b6c3; stroke-dasharray: 6 4; }
.statechart .state.final > .state-box, .statechart .final-inner { fill: none; stroke: #8a99a8; stroke-width: 1.25; }
.statechart .state.final > .state-box { fill: #ffffff; }
.statechart .state-title { font-size: ${TITLE_FONT_SIZE}px; font-weight: 600; fill: #1f2d3a; }
.statechart .state.container > .state-title { fill: #52606d; }
.statechart .internal { font-size: ${TEXT_FONT_SIZE}px; fill: #5c6b7a; }
.statechart .divider { stroke: #e1e6eb; stroke-width: 1; }
.statechart .state.active > .state-box { fill: #e3edff; stroke: #2f6fe4; stroke-width: 2.5; }
.statechart .state.active > .state-title { fill: #1747a6; font-weight: 700; }
.statechart .transition { fill: none; stroke: #7b8794; stroke-width: 1.25; }
.statechart .arrowhead { fill: #7b8794; }
.statechart .edge-label-box { fill: #ffffff; fill-opacity: 0.92; }
.statechart .edge-label { font-size: ${TEXT_FONT_SIZE}px; fill: #3e4c59; }
.statechart .initial-dot { fill: #3e4c59; }
`;

export function renderStatechartSvg(layout: StatechartLayout, options: SvgOptions = {}): string {
  const active = new Set(options.active ?? []);
  const width = Math.ceil(layout.width);
  const height = Math.ceil(layout.height);
  const roots = layout.states.filter((state) => state.parentId === null);
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" class="statechart" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="Statechart">`,
    `<style>${STYLE}</style>`,
    `<defs><marker id="${ARROW_ID}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="9" markerHeight="9" markerUnits="userSpaceOnUse" orient="auto-start-reverse"><path class="arrowhead" d="M0,0 L10,5 L0,10 z"/></marker></defs>`,
    `<rect class="background" x="0" y="0" width="${width}" height="${height}"/>`,
    `<g class="states">${roots.map((state) => stateSvg(state, layout.states, active)).join('')}</g>`,
    `<g class="transitions">${layout.initials.map((initial) => initialSvg(initial.dot, initial.points)).join('')}${layout.transitions.map(transitionSvg).join('')}</g>`,
    '</svg>',
  ].join('\n');
}

/** A state and, nested inside its group, its children: the DOM mirrors the statechart. */
function stateSvg(state: LaidOutState, states: LaidOutState[], active: Set<string>): string {
  const classes = ['state', state.type, state.container ? 'container' : '', state.region ? 'region' : '', active.has(state.id) ? 'active' : ''].filter(Boolean).join(' ');
  const children = states.filter((candidate) => candidate.parentId === state.id);
  return [
    `<g class="${classes}" data-state-id="${escapeXml(state.id)}">`,
    `<title>${escapeXml(state.id)}</title>`,
    state.type === 'history' ? historySvg(state) : boxSvg(state),
    ...children.map((child) => stateSvg(child, states, active)),
    '</g>',
  ].join('');
}

function boxSvg(state: LaidOutState): string {
  const { x, y, width, height } = roundBox(state);
  const radius = state.container ? 8 : 10;
  const parts = [`<rect class="state-box" x="${x}" y="${y}" width="${width}" height="${height}" rx="${radius}" ry="${radius}"/>`];
  if (state.type === 'final') parts.push(`<rect class="final-inner" x="${x + 3}" y="${y + 3}" width="${width - 6}" height="${height - 6}" rx="${radius - 3}" ry="${radius - 3}"/>`);
  const titleHeight = state.container ? CONTAINER_TITLE_HEIGHT : STATE_TITLE_HEIGHT;
  const titleX = state.container ? x + CONTAINER_PADDING : x + width / 2;
  const anchor = state.container ? 'start' : 'middle';
  parts.push(`<text class="state-title" x="${titleX}" y="${y + titleHeight / 2}" text-anchor="${anchor}" dominant-baseline="central">${escapeXml(state.label)}</text>`);
  if (state.internal.length) {
    const top = y + titleHeight;
    const textX = state.container ? x + CONTAINER_PADDING : x + STATE_PADDING_X;
    parts.push(`<line class="divider" x1="${x + (state.container ? CONTAINER_PADDING : 0)}" y1="${top}" x2="${x + width - (state.container ? CONTAINER_PADDING : 0)}" y2="${top}"/>`);
    state.internal.forEach((line, index) => {
      parts.push(`<text class="internal" x="${textX}" y="${top + INTERNAL_PADDING_Y + (index + 0.5) * LINE_HEIGHT}" dominant-baseline="central">${escapeXml(line)}</text>`);
    });
  }
  return parts.join('');
}

function historySvg(state: LaidOutState): string {
  const radius = state.width / 2;
  const [cx, cy] = [round(state.x + radius), round(state.y + radius)];
  return (
    `<circle class="state-box" cx="${cx}" cy="${cy}" r="${round(radius)}"/>` +
    `<text class="state-title" x="${cx}" y="${cy}" text-anchor="middle" dominant-baseline="central">${escapeXml(state.label)}</text>`
  );
}

function initialSvg(dot: Box, points: Point[]): string {
  const radius = dot.width / 2;
  return `<circle class="initial-dot" cx="${round(dot.x + radius)}" cy="${round(dot.y + radius)}" r="${round(radius)}"/><path class="transition initial" d="${pathData(points)}" marker-end="url(#${ARROW_ID})"/>`;
}

function transitionSvg(transition: LaidOutTransition): string {
  const box = roundBox(transition.labelBox);
  const lines = transition.lines
    .map((line, index) => `<text class="edge-label" x="${box.x + box.width / 2}" y="${box.y + EDGE_LABEL_PADDING_Y + (index + 0.5) * LINE_HEIGHT}" text-anchor="middle" dominant-baseline="central">${escapeXml(line)}</text>`)
    .join('');
  return [
    `<g class="edge" data-source="${escapeXml(transition.source)}" data-target="${escapeXml(transition.target)}">`,
    `<path class="transition" d="${pathData(transition.points)}" marker-end="url(#${ARROW_ID})"/>`,
    `<rect class="edge-label-box" x="${box.x}" y="${box.y}" width="${box.width}" height="${box.height}" rx="3" ry="3"/>${lines}`,
    '</g>',
  ].join('');
}

/** An orthogonal polyline with its corners rounded. */
function pathData(points: Point[]): string {
  if (points.length === 0) return '';
  const [first, ...rest] = points;
  const commands = [`M${round(first!.x)},${round(first!.y)}`];
  rest.forEach((point, index) => {
    const next = rest[index + 1];
    const previous = index === 0 ? first! : rest[index - 1]!;
    if (!next) {
      commands.push(`L${round(point.x)},${round(point.y)}`);
      return;
    }
    const radius = Math.min(CORNER_RADIUS, distance(previous, point) / 2, distance(point, next) / 2);
    const before = towards(point, previous, radius);
    const after = towards(point, next, radius);
    commands.push(`L${round(before.x)},${round(before.y)}`, `Q${round(point.x)},${round(point.y)} ${round(after.x)},${round(after.y)}`);
  });
  return commands.join(' ');
}

function distance(a: Point, b: Point): number {
  return Math.hypot(a.x - b.x, a.y - b.y);
}

function towards(from: Point, to: Point, length: number): Point {
  const total = distance(from, to);
  return total === 0 ? from : { x: from.x + ((to.x - from.x) * length) / total, y: from.y + ((to.y - from.y) * length) / total };
}

/** A tenth of a pixel is finer than any screen; longer decimals only make the file bigger. */
function round(value: number): number {
  return Math.round(value * 10) / 10;
}

function roundBox(box: Box): Box {
  return { x: round(box.x), y: round(box.y), width: round(box.width), height: round(box.height) };
}

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[character]!);
}
