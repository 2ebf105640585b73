// `coworkers viz <coworker> --format mermaid|svg|json`: the coworker statechart, drawn from the
// machine definition, with the coworker's current state marked.
import {
  activeStatesOf,
  coworkerStatechart,
  findCoworker,
  renderStatechartMermaid,
  renderStatechartSvg,
  statechartJson,
} from '../gateway/index.ts';
import type { Store } from '../persistence/index.ts';
import { CoworkersError } from '../protocol/index.ts';

export const VIZ_FORMATS = ['mermaid', 'svg', 'json'] as const;
export type VizFormat = (typeof VIZ_FORMATS)[number];

export interface VizOptions {
  coworkerId: string;
  format: VizFormat;
  store: Store;
}

export async function vizCommand(options: VizOptions): Promise<string> {
  // The format may come straight from the command line: check it before reading anything.
  if (!VIZ_FORMATS.includes(options.format)) {
    throw new CoworkersError('COMMAND_INVALID', `Unknown format "${String(options.format)}": the statechart comes as mermaid, svg or json.`, {
      hint: `Pass --format mermaid, --format svg or --format json, e.g. coworkers viz ${options.coworkerId} --format svg > ${options.coworkerId}.svg`,
    });
  }
  const coworker = await findCoworker(options.store, options.coworkerId);
  const active = activeStatesOf(coworker.status);
  const { graph, layout } = await coworkerStatechart();
  if (options.format === 'svg') return `${renderStatechartSvg(layout, { active })}\n`;
  if (options.format === 'mermaid') return renderStatechartMermaid(graph, { active });
  return `${JSON.stringify({ coworkerId: coworker.id, ...statechartJson(graph, { active }) }, null, 2)}\n`;
}
