// The SVG and Mermaid views checked where they end up: in a real headless Chromium. Mermaid's own
// parser judges the Mermaid text; the browser's XML parser, layout and CSS judge the SVG.
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnyStateMachine } from 'xstate';
import { coworkerMachine } from '../../machines/index.ts';
import { renderStatechartMermaid } from './render-mermaid.ts';
import { renderStatechartSvg } from './render-svg.ts';
import { statechartGraph } from './statechart-graph.ts';
import { layoutStatechart } from './statechart-layout.ts';
import { awkwardMachine, doorMachine } from './test-machines.ts';

const MERMAID_SCRIPT = fileURLToPath(new URL('../../node_modules/mermaid/dist/mermaid.min.js', import.meta.url));
const SCREENSHOTS = fileURLToPath(new URL('../../.test-output/screenshots/', import.meta.url));
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

interface MermaidApi {
  initialize(config: { startOnLoad: boolean }): void;
  parse(text: string): Promise<unknown>;
  render(id: string, text: string): Promise<{ svg: string }>;
}

const machines: Array<[string, AnyStateMachine]> = [
  ['the coworker machine', coworkerMachine],
  ['a machine with nested and parallel states', doorMachine],
  ['a machine with awkward names', awkwardMachine],
];
const ACTIVE = ['coworker.status.awaitingApproval', 'coworker.shift.onDuty'];

let browser: Browser;
let page: Page;

beforeAll(async () => {
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  page = await browser.newPage({ deviceScaleFactor: 2 });
  await page.addScriptTag({ path: MERMAID_SCRIPT });
  await page.evaluate(() => (window as unknown as { mermaid: MermaidApi }).mermaid.initialize({ startOnLoad: false }));
});

afterAll(async () => {
  await browser?.close();
});

function mermaidParse(text: string): Promise<unknown> {
  return page.evaluate((source) => (window as unknown as { mermaid: MermaidApi }).mermaid.parse(source), text);
}

describe('the Mermaid text', () => {
  it.each(machines)('of %s is valid Mermaid', async (_name, machine) => {
    await expect(mermaidParse(renderStatechartMermaid(statechartGraph(machine), { active: ACTIVE }))).resolves.toMatchObject({ diagramType: 'stateDiagram' });
  });

  it('is judged by a parser that rejects broken text', async () => {
    // What the renderer's escaping prevents: a quote inside a quoted name.
    const broken = renderStatechartMermaid(statechartGraph(coworkerMachine)).replace('state "idle" as', 'state "id"le" as');
    await expect(mermaidParse(broken)).rejects.toThrow(/Parse error/);
  });

  it('renders with the active states styled', async () => {
    const text = renderStatechartMermaid(statechartGraph(coworkerMachine), { active: ACTIVE });
    const activeNodes = await page.evaluate(async (source) => {
      const { svg } = await (window as unknown as { mermaid: MermaidApi }).mermaid.render('statechart', source);
      const holder = document.createElement('div');
      holder.innerHTML = svg;
      return [...holder.querySelectorAll('g.node.active')].map((node) => node.id);
    }, text);
    expect(activeNodes).toEqual([expect.stringMatching(/coworker_status_awaitingApproval/), expect.stringMatching(/coworker_shift_onDuty/)]);
  });

  it.each(machines.slice(0, 2))('of %s draws every state inside its composite state', async (_name, machine) => {
    const graph = statechartGraph(machine);
    const strays = await page.evaluate(
      async ({ source, parents }) => {
        const { svg } = await (window as unknown as { mermaid: MermaidApi }).mermaid.render('nesting', source);
        const holder = document.createElement('div');
        holder.innerHTML = svg;
        document.body.append(holder);
        const nodes = new Map([...holder.querySelectorAll('g.node')].map((node) => [/-state-(.+)-\d+$/.exec(node.id)?.[1], node.getBoundingClientRect()]));
        const clusters = new Map([...holder.querySelectorAll('g.statediagram-cluster')].map((cluster) => [cluster.getAttribute('data-id'), cluster.getBoundingClientRect()]));
        const found = Object.entries(parents).filter(([name, parent]) => {
          const [box, outer] = [nodes.get(name), clusters.get(parent)];
          return !box || !outer || box.left < outer.left || box.right > outer.right || box.top < outer.top || box.bottom > outer.bottom;
        });
        holder.remove();
        return found.map(([name]) => name);
      },
      {
        source: renderStatechartMermaid(graph),
        // Mermaid names are the ids with dots as underscores; these machines have no clashes.
        parents: Object.fromEntries(graph.states.filter((state) => state.type === 'atomic' && state.parentId).map((state) => [state.id.replaceAll('.', '_'), state.parentId!.replaceAll('.', '_')])),
      },
    );
    expect(strays).toEqual([]);
  });
});

describe('the SVG', () => {
  it.each(machines)('of %s is well-formed SVG that keeps every name as written', async (_name, machine) => {
    const graph = statechartGraph(machine);
    const svg = renderStatechartSvg(await layoutStatechart(graph));
    const parsed = await page.evaluate((source) => {
      const document = new DOMParser().parseFromString(source, 'image/svg+xml');
      return {
        errors: document.getElementsByTagName('parsererror').length,
        namespace: document.documentElement.namespaceURI,
        stateIds: [...document.querySelectorAll('g.state')].map((group) => group.getAttribute('data-state-id')),
        titles: [...document.querySelectorAll('.state-title')].map((text) => text.textContent),
        edgeLabels: [...document.querySelectorAll('.edge')].map((edge) => [...edge.querySelectorAll('.edge-label')].map((text) => text.textContent).join(' ')),
      };
    }, svg);
    expect(parsed.errors).toBe(0);
    expect(parsed.namespace).toBe('http://www.w3.org/2000/svg');
    expect(parsed.stateIds).toEqual(graph.states.map((state) => state.id));
    expect(parsed.titles).toEqual(graph.states.map((state) => state.label));
    expect(parsed.edgeLabels).toEqual(graph.transitions.filter((transition) => !transition.targetless).map((transition) => transition.label));
  });

  it('is judged by a parser that reports broken XML', async () => {
    const errors = await page.evaluate(() => new DOMParser().parseFromString('<svg xmlns="http://www.w3.org/2000/svg"><text>a & b</text></svg>', 'image/svg+xml').getElementsByTagName('parsererror').length);
    expect(errors).toBeGreaterThan(0);
  });

  describe('drawn in the browser', () => {
    let drawing: Page;

    beforeAll(async () => {
      const svg = renderStatechartSvg(await layoutStatechart(statechartGraph(coworkerMachine)), { active: ACTIVE });
      drawing = await browser.newPage({ deviceScaleFactor: 2 });
      await drawing.setContent(`<!doctype html><html><body style="margin:0;background:#fff">${svg}</body></html>`);
    });

    afterAll(async () => {
      await drawing?.close();
    });

    it('fits every text inside its box', async () => {
      const overflowing = await drawing.evaluate(() => {
        const within = (inner: DOMRect, outer: DOMRect) =>
          inner.left >= outer.left - 0.5 && inner.right <= outer.right + 0.5 && inner.top >= outer.top - 0.5 && inner.bottom <= outer.bottom + 0.5;
        const problems: string[] = [];
        for (const state of document.querySelectorAll('g.state')) {
          const box = state.querySelector(':scope > .state-box')!.getBoundingClientRect();
          const children = [...state.querySelectorAll(':scope > g.state > .state-box')].map((child) => child.getBoundingClientRect());
          for (const text of state.querySelectorAll(':scope > text')) {
            const bounds = text.getBoundingClientRect();
            if (!within(bounds, box)) problems.push(`"${text.textContent}" sticks out of ${state.getAttribute('data-state-id')}`);
            const covered = children.some((child) => bounds.right > child.left && child.right > bounds.left && bounds.bottom > child.top && child.bottom > bounds.top);
            if (covered) problems.push(`"${text.textContent}" lies under a child state of ${state.getAttribute('data-state-id')}`);
          }
        }
        for (const edge of document.querySelectorAll('g.edge')) {
          const box = edge.querySelector('.edge-label-box')!.getBoundingClientRect();
          for (const text of edge.querySelectorAll('.edge-label')) if (!within(text.getBoundingClientRect(), box)) problems.push(`"${text.textContent}" sticks out of its label box`);
        }
        return problems;
      });
      expect(overflowing).toEqual([]);
    });

    it('highlights the active states, and moves the highlight with the class', async () => {
      const stroke = (id: string) =>
        drawing.evaluate((stateId) => getComputedStyle(document.querySelector(`g.state[data-state-id="${stateId}"] > .state-box`)!).stroke, id);
      const [activeStroke, idleStroke] = [await stroke('coworker.status.awaitingApproval'), await stroke('coworker.status.idle')];
      expect(activeStroke).not.toBe(idleStroke);
      await drawing.evaluate(() => {
        document.querySelector('g.state[data-state-id="coworker.status.awaitingApproval"]')!.classList.remove('active');
        document.querySelector('g.state[data-state-id="coworker.status.idle"]')!.classList.add('active');
      });
      expect([await stroke('coworker.status.awaitingApproval'), await stroke('coworker.status.idle')]).toEqual([idleStroke, activeStroke]);
      await drawing.evaluate(() => {
        document.querySelector('g.state[data-state-id="coworker.status.idle"]')!.classList.remove('active');
        document.querySelector('g.state[data-state-id="coworker.status.awaitingApproval"]')!.classList.add('active');
      });
    });

    it('leaves a screenshot to look at', async () => {
      mkdirSync(SCREENSHOTS, { recursive: true });
      const png = await drawing.locator('svg.statechart').screenshot({ path: `${SCREENSHOTS}statechart.png` });
      expect(png.subarray(1, 4).toString()).toBe('PNG');
    });
  });
});
