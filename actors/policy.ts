// Policy, outside the model: what the statechart enforces (approvers, deadlines) and how each
// proposed tool call is classified. Both come from the definition and the connectors' declared
// risks; nothing the model says can change them.
import type { CoworkerPolicy } from '../machines/index.ts';
import { GATED_BY_DEFAULT, approversOf, canonicalJson, personId, durationMs, sha256, type CoworkerDefinition, type JobDefinition, type ToolSpec } from '../protocol/index.ts';

/** The part of a definition the statechart enforces; the model never sees or changes it. */
export function policyOf(definition: CoworkerDefinition): CoworkerPolicy {
  return {
    manager: personId(definition.manager),
    approvers: approversOf(definition),
    deadlineMs: durationMs(definition.approval.deadline),
    escalation: definition.approval.escalation,
    team: definition.team,
    handoffs: { acceptFrom: definition.handoffs.acceptFrom ?? [definition.team], maxBacklog: definition.handoffs.maxBacklog },
  };
}

/** Changes whenever anything that decides a gate changes; an approval is only good for the version it was given under. */
export function policyVersionOf(definition: CoworkerDefinition): string {
  const { tools, jobs, approval, manager } = definition;
  const jobRules = jobs.map((job) => ({ id: job.id, tools: job.tools, autonomous: job.autonomous }));
  return sha256(canonicalJson({ tools, jobRules, approval, manager: personId(manager) })).slice(0, 16);
}

export type Verdict = 'autonomous' | 'gated' | 'refused';

export interface Classification {
  verdict: Verdict;
  /** Why, in words, for the audit trail and the approver. */
  reason: string;
  spec?: ToolSpec;
}

/**
 * Classifies one proposed call. Order matters: a tool the coworker (or this job) was not granted
 * is refused; the coworker's explicit `gated` list wins over everything that loosens; then the
 * job's and the coworker's `autonomous` lists; then the risk the connector declared.
 */
export function classifyCall(options: { definition: CoworkerDefinition; job: JobDefinition | undefined; tool: string; catalog: ReadonlyMap<string, ToolSpec> }): Classification {
  const { definition, job, tool, catalog } = options;
  if (!definition.tools.includes(tool)) return { verdict: 'refused', reason: `${tool} is not granted to ${definition.id}` };
  if (job && !job.tools.includes(tool)) return { verdict: 'refused', reason: `${tool} is not one of the tools of job ${job.id}` };
  const spec = catalog.get(tool);
  if (!spec) return { verdict: 'refused', reason: `no connector offers ${tool}` };
  if (definition.approval.gated.includes(tool)) return { verdict: 'gated', reason: `${tool} is listed in approval.gated`, spec };
  if (job?.autonomous.includes(tool)) return { verdict: 'autonomous', reason: `job ${job.id} lists ${tool} as autonomous`, spec };
  if (definition.approval.autonomous.includes(tool)) return { verdict: 'autonomous', reason: `${tool} is listed in approval.autonomous`, spec };
  if (GATED_BY_DEFAULT.includes(spec.risk)) return { verdict: 'gated', reason: `${spec.risk} tools ask first by default`, spec };
  return { verdict: 'autonomous', reason: `${spec.risk} tools run without asking by default`, spec };
}
