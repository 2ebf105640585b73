import type { CoworkerPolicy } from '../machines/index.ts';
import { approversOf, durationMs, type CoworkerDefinition } from '../protocol/index.ts';

/** The part of a definition the statechart enforces; the model never sees or changes it. */
export function policyOf(definition: CoworkerDefinition): CoworkerPolicy {
  return {
    manager: definition.manager.slack,
    approvers: approversOf(definition),
    deadlineMs: durationMs(definition.approval.deadline),
    escalation: definition.approval.escalation,
  };
}
