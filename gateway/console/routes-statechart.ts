// GET /api/statechart: the coworker machine drawn once for every coworker (the machine is the
// same for all); each state is a `<g class="state" data-state-id="…">` the page highlights.
import { coworkerStatechart, renderStatechartSvg } from '../statechart/index.ts';
import type { Route } from './route.ts';

export const statechartRoutes: Route[] = [
  {
    method: 'GET',
    path: /^\/api\/statechart$/,
    // The machine's drawing, the same for every coworker: no coworker's data.
    access: 'signed-in',
    async handle() {
      const { graph, layout } = await coworkerStatechart();
      return {
        status: 200,
        body: {
          svg: renderStatechartSvg(layout),
          states: graph.states.map(({ id, label }) => ({ id, label })),
          transitions: graph.transitions.map(({ source, target, event }) => ({ source, target, event })),
        },
      };
    },
  },
];
