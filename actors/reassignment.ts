// What an assignment changed, in words for the audit trail.
import { personId, type CoworkerDefinition } from '../protocol/index.ts';

export interface Reassignment {
  summary: string;
  detail: { from: { team: string; manager: string }; to: { team: string; manager: string } };
}

/** The team and manager before and after, or null when neither changed. */
export function describeReassignment(before: CoworkerDefinition, after: CoworkerDefinition): Reassignment | null {
  const from = { team: before.team, manager: personId(before.manager) };
  const to = { team: after.team, manager: personId(after.manager) };
  if (from.team === to.team && from.manager === to.manager) return null;
  const parts = [
    ...(from.team !== to.team ? [`team ${from.team} → ${to.team}`] : []),
    ...(from.manager !== to.manager ? [`manager ${before.manager.name} → ${after.manager.name}`] : []),
  ];
  return { summary: `Assigned: ${parts.join(', ')}`, detail: { from, to } };
}
