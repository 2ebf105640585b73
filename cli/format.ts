import type { CoworkerSummary } from '../persistence/index.ts';

/** A plain-text table of coworkers for the terminal. */
export function formatCoworkerTable(coworkers: CoworkerSummary[]): string {
  const rows = coworkers.map((c) => [
    c.id,
    c.name,
    c.team,
    `${c.manager.name} (${c.manager.slack})`,
    c.status ? `${c.status.state.status} (${c.status.state.shift})` : 'not started',
    String(c.status?.backlog ?? 0),
  ]);
  const table = [['ID', 'NAME', 'TEAM', 'MANAGER', 'STATE', 'BACKLOG'], ...rows];
  const widths = table[0]!.map((_, column) => Math.max(...table.map((row) => row[column]!.length)));
  return table.map((row) => row.map((cell, column) => cell.padEnd(widths[column]!)).join('  ').trimEnd()).join('\n');
}
