// `coworkers tools`: every tool the deployment offers, with its risk, the scopes its credentials
// need, and which coworkers may call it and whether they ask first (by the same policy code the
// runtime uses).
import { classifyCall } from '../actors/index.ts';
import type { Connector } from '../connectors/index.ts';
import type { CoworkerDefinition, ToolSpec } from '../protocol/index.ts';
import { table } from './format.ts';

export interface ToolRow {
  tool: string;
  connector: string;
  risk: ToolSpec['risk'];
  scopes: readonly string[];
  /** Coworkers granted the tool, each with whether its calls need a person's yes (outside any job's own rules). */
  coworkers: Array<{ id: string; asks: boolean }>;
  sample: boolean;
}

export interface EventRow {
  event: string;
  description: string;
  /** `<coworker>/<job>` for each job it starts. */
  starts: string[];
}

export function listTools(connectors: readonly Connector[], definitions: readonly CoworkerDefinition[], isSample: (connector: Connector) => boolean): { tools: ToolRow[]; events: EventRow[] } {
  const catalog = new Map(connectors.flatMap((connector) => connector.specs.map((spec) => [spec.name, spec] as const)));
  const tools = connectors.flatMap((connector) =>
    connector.specs.map((spec) => ({
      tool: spec.name,
      connector: connector.name,
      risk: spec.risk,
      scopes: connector.scopes[spec.name] ?? [],
      coworkers: definitions
        .filter((definition) => definition.tools.includes(spec.name))
        .map((definition) => ({ id: definition.id, asks: classifyCall({ definition, job: undefined, tool: spec.name, catalog }).verdict === 'gated' })),
      sample: isSample(connector),
    })),
  );
  const events = connectors.flatMap((connector) =>
    connector.events.map((event) => ({
      event: event.name,
      description: event.description,
      starts: definitions.flatMap((definition) =>
        definition.jobs.filter((job) => job.triggers?.some((trigger) => trigger.event === event.name)).map((job) => `${definition.id}/${job.id}`),
      ),
    })),
  );
  return { tools, events };
}

export function formatTools({ tools, events }: ReturnType<typeof listTools>): string {
  const toolRows = tools.map((row) => [
    row.tool,
    row.risk,
    row.scopes.join(' ') || '-',
    row.coworkers.map((coworker) => `${coworker.id}${coworker.asks ? ' (asks first)' : ''}`).join(', ') || '-',
    row.sample ? 'sample data' : row.connector,
  ]);
  const eventRows = events.map((row) => [row.event, row.starts.join(', ') || '-', row.description]);
  return [
    table([['TOOL', 'RISK', 'SCOPES', 'COWORKERS', 'SERVED BY'], ...toolRows]),
    '',
    eventRows.length ? table([['EVENT', 'STARTS', 'WHAT'], ...eventRows]) : 'No connector emits events.',
  ].join('\n');
}
