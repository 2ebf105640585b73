// The grant a runtime signs for every tool call that is not a read, and the connector's check of
// it: signed by a runtime it trusts, for this coworker, tool, run and key, and for exactly these
// arguments. A grant cannot be moved to another call, and a call cannot be changed under it.
import { approvalHash } from './approvals.ts';
import { hasValidSignature, type RoleKeys, type Signer } from './signing.ts';
import type { ApprovalGrant, ToolCall } from './tools.ts';

/** A person's approval the call runs under; without one, the call is autonomous under the policy. */
export interface GrantApproval {
  approvalId: string;
  approvedBy?: string;
}

export function signGrant(signer: Signer, call: Omit<ToolCall, 'approval'>, policyVersion: string, approval?: GrantApproval): ApprovalGrant {
  const base = {
    coworkerId: call.coworkerId,
    tool: call.tool,
    argsHash: approvalHash({ coworkerId: call.coworkerId, tool: call.tool, args: call.args, policyVersion }),
    policyVersion,
    idempotencyKey: call.idempotencyKey,
    runId: call.runId,
  };
  if (!approval) {
    const unsigned = { kind: 'autonomous' as const, ...base };
    return { ...unsigned, signature: signer.sign(unsigned) };
  }
  const unsigned = { kind: 'approved' as const, ...base, approvalId: approval.approvalId, ...(approval.approvedBy ? { approvedBy: approval.approvedBy } : {}) };
  return { ...unsigned, signature: signer.sign(unsigned) };
}

/** Why the call's grant does not allow it (in words that finish "refused: …"), or null when it does. */
export function grantProblem(call: ToolCall, runtimes: RoleKeys): string | null {
  const grant = call.approval;
  if (!grant) return `${call.tool} is not a read, and the call carries no grant`;
  if (!hasValidSignature(grant, 'any')) return 'the grant\'s signature does not match the grant (forged or changed)';
  if (!hasValidSignature(grant, runtimes)) return `the grant is signed by ${grant.signature.key}, which is not a runtime this connector trusts`;
  for (const field of ['coworkerId', 'tool', 'runId', 'idempotencyKey'] as const) {
    if (grant[field] !== call[field]) return `the grant is for ${field} "${grant[field]}", and the call has "${call[field]}"`;
  }
  const hash = approvalHash({ coworkerId: call.coworkerId, tool: call.tool, args: call.args, policyVersion: grant.policyVersion });
  if (hash !== grant.argsHash) return 'the grant does not cover these arguments';
  return null;
}
