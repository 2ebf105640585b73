// What the host checks before a command reaches a coworker. Subject permissions are granted by
// subject, so a command must travel under the subject its payload says it is (a definition change
// cannot hide under `cmd.task`); it must name a coworker this deployment hosts; and a person's act
// must be signed by the gateway that signed the person in, or by the operator (a handoff by a
// runtime). Whatever fails goes to the dead letters with the reason, and is never applied.
import {
  commandKind,
  commandSchema,
  hasValidSignature,
  parseCommandSubject,
  personId,
  shardOf,
  type Command,
  type CommandKind,
  type CoworkerDefinition,
  type DeadLetterReason,
  type RoleKeys,
  type TrustedKeys,
} from '../protocol/index.ts';

export type CommandCheck = { ok: true; command: Command; kind: CommandKind } | { ok: false; reason: DeadLetterReason; why: string; command?: Command };

function either(a: RoleKeys, b: RoleKeys): RoleKeys {
  return a === 'any' || b === 'any' ? 'any' : [...a, ...b];
}

/** Whose key may sign a command of this kind; null for a task, which anyone allowed to publish it may give. */
function signersOf(kind: CommandKind, trust: TrustedKeys): RoleKeys | null {
  if (kind === 'task') return null;
  if (kind === 'handoff') return trust.runtimes;
  if (kind === 'definition') return trust.operators;
  return either(trust.gateways, trust.operators);
}

/** A gateway may only move a coworker to another team or manager (approvers follow), and only for its current manager. */
function assignmentProblem(current: CoworkerDefinition, command: Extract<Command, { type: 'definition.changed' }>): string | null {
  if (command.by !== personId(current.manager)) return `only ${current.name}'s manager (${personId(current.manager)}) may move ${current.id}, not ${command.by}`;
  const comparable = (definition: Record<string, unknown>) => {
    const { team: _team, manager: _manager, approval, ...rest } = definition as Record<string, unknown> & { approval?: Record<string, unknown> };
    const { approvers: _approvers, ...policy } = approval ?? {};
    return JSON.stringify({ ...rest, approval: policy });
  };
  return comparable(command.definition) === comparable(current as unknown as Record<string, unknown>)
    ? null
    : 'an assignment may change the team, the manager and the approvers only; other changes are the operator\'s (cmd.definition)';
}

export function checkCommand(subject: string, data: unknown, options: { trust: TrustedKeys; definitionOf: (coworkerId: string) => CoworkerDefinition | undefined }): CommandCheck {
  const parsed = commandSchema.safeParse(data);
  if (!parsed.success) return { ok: false, reason: 'malformed', why: parsed.error.issues.map((issue) => `${issue.path.join('.') || '(the command)'}: ${issue.message}`).join('; ') };
  const command = parsed.data;
  const address = parseCommandSubject(subject);
  // The kinds a command of this type may travel under, whoever made it (only a definition change differs).
  const kinds = [...new Set([commandKind(command.type, 'gateway'), commandKind(command.type, 'operator')])];
  if (!address || !kinds.includes(address.kind) || address.coworkerId !== command.coworkerId || address.shard !== shardOf(command.coworkerId)) {
    const expected = kinds.map((kind) => `cmd.${kind}.${shardOf(command.coworkerId)}.${command.coworkerId}`).join(' or ');
    return { ok: false, reason: 'mismatch', why: `a ${command.type} for ${command.coworkerId} travels on ${expected}, not ${subject}`, command };
  }
  const current = options.definitionOf(command.coworkerId);
  if (!current) return { ok: false, reason: 'unknown-coworker', why: `no coworker "${command.coworkerId}" is defined in this deployment`, command };
  const signers = signersOf(address.kind, options.trust);
  // Checked against the message as it was signed, not as the schema parsed it.
  if (signers !== null && !hasValidSignature(data as Record<string, unknown>, signers)) {
    const who = address.kind === 'handoff' ? 'a runtime' : address.kind === 'definition' ? 'the operator' : 'a gateway that signed the person in, or the operator';
    return { ok: false, reason: 'bad-signature', why: `a ${command.type} must be signed by ${who}; this one is unsigned, signed by an unknown key, or changed since it was signed`, command };
  }
  if (address.kind === 'assign' && command.type === 'definition.changed') {
    const problem = assignmentProblem(current, command);
    if (problem) return { ok: false, reason: 'not-allowed', why: problem, command };
  }
  return { ok: true, command, kind: address.kind };
}
