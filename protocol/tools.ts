// Tools: what a connector declares about each operation it offers, and the request/reply that
// calls one. The risk class is the connector's declaration; the model never sees or sets it.
import { z } from 'zod';
import { PROTOCOL_VERSION, signatureSchema } from './messages.ts';

export const TOOL_RISKS = ['read', 'write', 'customer-facing', 'money', 'destructive', 'public-post'] as const;
export const toolRiskSchema = z.enum(TOOL_RISKS);
export type ToolRisk = z.output<typeof toolRiskSchema>;

/** Risks that need a person's yes unless the coworker's policy (or its job) says otherwise. */
export const GATED_BY_DEFAULT: readonly ToolRisk[] = ['customer-facing', 'money', 'destructive', 'public-post'];

export const toolSpecSchema = z.strictObject({
  name: z.string().regex(/^[a-z][a-zA-Z0-9]*(\.[a-z][a-zA-Z0-9_]*)+$/),
  description: z.string().min(1),
  risk: toolRiskSchema,
  /** JSON Schema of the arguments, as the model sees it. */
  input: z.record(z.string(), z.unknown()),
  /** The arguments (top-level names) an approver must see whole: recipients, amounts, the records changed. */
  consequential: z.array(z.string()).optional(),
});
export type ToolSpec = z.output<typeof toolSpecSchema>;

const grantBase = {
  coworkerId: z.string().min(1),
  tool: z.string().min(1),
  /** approvalHash of the coworker, the tool, the arguments and the policy version: the connector recomputes it from the arguments it got. */
  argsHash: z.string().min(1),
  policyVersion: z.string().min(1),
  idempotencyKey: z.string().min(1),
  runId: z.string().min(1),
  /** The runtime's signature over the rest of the grant (protocol/signing.ts). */
  signature: signatureSchema,
};

/**
 * What a call that is not a read runs under, signed by the runtime that sends it: "autonomous
 * under policy version V", or "approved by person P under approval A". The connector checks the
 * signature against the runtimes it trusts and every field against the call (tool-grants.ts).
 */
export const approvalGrantSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('autonomous'), ...grantBase }),
  z.strictObject({
    kind: z.literal('approved'),
    ...grantBase,
    approvalId: z.string().min(1),
    /** Who approved; absent only for calls approved before grants named the person. */
    approvedBy: z.string().min(1).optional(),
  }),
]);
export type ApprovalGrant = z.output<typeof approvalGrantSchema>;

export const toolCallSchema = z.strictObject({
  v: z.literal(PROTOCOL_VERSION),
  tool: z.string().min(1),
  args: z.record(z.string(), z.unknown()),
  coworkerId: z.string().min(1),
  runId: z.string().min(1),
  /** The connector runs a key once and answers repeats with the first result. */
  idempotencyKey: z.string().min(1),
  /** Required for every tool that is not a `read`: the connector runs nothing without a valid one. */
  approval: approvalGrantSchema.optional(),
});
export type ToolCall = z.output<typeof toolCallSchema>;

export const toolResultSchema = z.strictObject({
  result: z.unknown(),
  /** True when the key had run before and this is its first result, not a new side effect. */
  replayed: z.boolean(),
});
export type ToolResult = z.output<typeof toolResultSchema>;

/** The connector of a tool: the part of its name before the first dot. */
export function connectorOf(tool: string): string {
  return tool.slice(0, tool.indexOf('.'));
}

// OpenAI function names allow only [a-zA-Z0-9_-]: "crm.updateDeal" travels as "crm__updateDeal".
export function toModelToolName(tool: string): string {
  return tool.replaceAll('.', '__');
}

export function fromModelToolName(name: string): string {
  return name.replaceAll('__', '.');
}
