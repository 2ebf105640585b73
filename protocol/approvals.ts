// What binds an approval to the exact call it allows: a hash of the coworker, the tool, the
// canonical arguments and the policy version. The runtime computes it when it asks; the runtime
// and the connector recompute it before executing, and refuse on any difference.
import { createHash } from 'node:crypto';

/** JSON with object keys sorted at every level, so equal arguments hash equally. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

export function approvalHash(call: { coworkerId: string; tool: string; args: Record<string, unknown>; policyVersion: string }): string {
  return sha256(canonicalJson({ coworker: call.coworkerId, tool: call.tool, args: call.args, policy: call.policyVersion }));
}
