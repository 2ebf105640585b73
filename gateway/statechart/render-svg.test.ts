import { describe, expect, it } from 'vitest';
import { coworkerMachine } from '../../machines/index.ts';
import { renderStatechartSvg } from './render-svg.ts';
import { statechartGraph } from './statechart-graph.ts';
import { layoutStatechart } from './statechart-layout.ts';
import { awkwardMachine } from './test-machines.ts';

const coworkerLayout = await layoutStatechart(statechartGraph(coworkerMachine));

/** The class attribute of each state group, by state id. */
function stateClasses(svg: string): Map<string, string> {
  return new Map([...svg.matchAll(/<g class="([^"]*)" data-state-id="([^"]*)">/g)].map((match) => [match[2]!, match[1]!]));
}

describe('renderStatechartSvg', () => {
  it('draws a group per state, classed by its kind', () => {
    const classes = stateClasses(renderStatechartSvg(coworkerLayout));
    expect([...classes.keys()]).toEqual(coworkerLayout.states.map((state) => state.id));
    expect(classes.get('coworker')).toBe('state parallel container');
    expect(classes.get('coworker.status')).toBe('state compound container region');
    expect(classes.get('coworker.status.idle')).toBe('state atomic');
  });

  it('marks the active states, and only those', () => {
    const classes = stateClasses(renderStatechartSvg(coworkerLayout, { active: ['coworker.status.blocked', 'coworker.shift.offDuty'] }));
    const active = [...classes].filter(([, names]) => names.split(' ').includes('active')).map(([id]) => id);
    expect(active).toEqual(['coworker.status.blocked', 'coworker.shift.offDuty']);
  });

  it('is a standalone SVG document with its size, style, arrowhead and one path per arrow', () => {
    const svg = renderStatechartSvg(coworkerLayout);
    const width = Math.ceil(coworkerLayout.width);
    const height = Math.ceil(coworkerLayout.height);
    expect(svg).toMatch(new RegExp(`^<svg xmlns="http://www.w3.org/2000/svg" class="statechart" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}"`));
    expect(svg).toContain('<style>');
    expect(svg).toContain('<marker id="statechart-arrow"');
    expect(svg.match(/<g class="edge"/g)).toHaveLength(coworkerLayout.transitions.length);
    expect(svg.match(/class="initial-dot"/g)).toHaveLength(coworkerLayout.initials.length);
  });

  it('escapes names for XML', async () => {
    const svg = renderStatechartSvg(await layoutStatechart(statechartGraph(awkwardMachine)), { active: ['awk.a<b>&"c"'] });
    expect(svg).toContain('<g class="state atomic active" data-state-id="awk.a&lt;b&gt;&amp;&quot;c&quot;">');
    expect(svg).toContain('>say &quot;hi&quot; &amp; &lt;bye&gt;; #1</text>');
    expect(svg).toContain('>it&apos;s {done}</text>');
    expect(svg).not.toMatch(/<b>|&"|"hi"/);
  });
});
