// The host's checks of a command before it reaches a coworker, each one able to fire on its own:
// the subject must say what the payload is, the coworker must exist, a person's act must carry
// a signature from a trusted gateway or the operator, and a gateway may only reassign.
import { describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION, coworkerDefinitionSchema, ephemeralSigner, subjects, type TrustedKeys } from '../protocol/index.ts';
import { checkCommand } from './command-checks.ts';

const gateway = ephemeralSigner();
const operator = ephemeralSigner();
const runtime = ephemeralSigner();
const stranger = ephemeralSigner();
const trust: TrustedKeys = { runtimes: [runtime.publicKey], gateways: [gateway.publicKey], operators: [operator.publicKey] };
const sam = coworkerDefinitionSchema.parse({
  id: 'sam',
  name: 'Sam',
  role: 'Account executive',
  team: 'sales',
  manager: { name: 'Daniel', slack: 'UDANIEL', email: 'daniel@example.com' },
  timezone: 'UTC',
  tools: ['email.send'],
});
const definitionOf = (id: string) => (id === 'sam' ? sam : undefined);
const check = (subject: string, data: unknown, keys: TrustedKeys = trust) => checkCommand(subject, data, { trust: keys, definitionOf });

const decision = { v: PROTOCOL_VERSION, id: 'd1', coworkerId: 'sam', at: 1, type: 'approval.decide', approvalId: 'apr-1', decision: 'approved', by: 'UDANIEL' };
const signed = <T extends Record<string, unknown>>(command: T, signer = gateway) => ({ ...command, signature: signer.sign(command) });
const decisionSubject = subjects.command('decision', 'sam');

describe('the checks of a command', () => {
  it('takes a decision signed by a trusted gateway or the operator on its own subject', () => {
    expect(check(decisionSubject, signed(decision))).toMatchObject({ ok: true, kind: 'decision' });
    expect(check(decisionSubject, signed(decision, operator))).toMatchObject({ ok: true });
  });

  it('refuses a decision that is unsigned, signed by an unknown key, or changed after signing', () => {
    expect(check(decisionSubject, decision)).toMatchObject({ ok: false, reason: 'bad-signature' });
    expect(check(decisionSubject, signed(decision, stranger))).toMatchObject({ ok: false, reason: 'bad-signature' });
    expect(check(decisionSubject, { ...signed(decision), by: 'UMARIA' })).toMatchObject({ ok: false, reason: 'bad-signature' });
    // A runtime's key does not make a person's decision.
    expect(check(decisionSubject, signed(decision, runtime))).toMatchObject({ ok: false, reason: 'bad-signature' });
  });

  it('takes any signature in a deployment without identities, but still none', () => {
    const open: TrustedKeys = { runtimes: 'any', gateways: 'any', operators: 'any' };
    expect(check(decisionSubject, signed(decision, stranger), open)).toMatchObject({ ok: true });
    expect(check(decisionSubject, decision, open)).toMatchObject({ ok: false, reason: 'bad-signature' });
  });

  it('refuses a command under a subject that is not its own: another kind, coworker or shard', () => {
    const task = { v: PROTOCOL_VERSION, id: 't1', coworkerId: 'sam', at: 1, type: 'task.assign', task: { id: 't1', text: 'hi', source: 'person', requestedBy: 'UDANIEL', createdAt: 1 } };
    expect(check(subjects.command('task', 'sam'), task)).toMatchObject({ ok: true });
    expect(check(subjects.command('task', 'sam'), signed(decision))).toMatchObject({ ok: false, reason: 'mismatch' });
    expect(check(subjects.command('decision', 'ava'), signed(decision))).toMatchObject({ ok: false, reason: 'mismatch' });
    expect(check(`cmd.decision.${(Number(decisionSubject.split('.')[2]) + 1) % 32}.sam`, signed(decision))).toMatchObject({ ok: false, reason: 'mismatch' });
  });

  it('refuses a malformed command and one for a coworker nobody defined', () => {
    expect(check(decisionSubject, { type: 'approval.decide' })).toMatchObject({ ok: false, reason: 'malformed' });
    const forAva = { ...decision, coworkerId: 'ava' };
    expect(check(subjects.command('decision', 'ava'), signed(forAva))).toMatchObject({ ok: false, reason: 'unknown-coworker' });
  });

  it('lets only the operator change a definition, and a gateway only move a coworker for its manager', () => {
    const moved = { ...sam, team: 'marketing', manager: { name: 'Maria', slack: 'UMARIA', email: 'maria@example.com' } };
    const change = (definition: unknown, by: string) => ({ v: PROTOCOL_VERSION, id: 'c1', coworkerId: 'sam', at: 1, type: 'definition.changed', definition, by });
    expect(check(subjects.command('assign', 'sam'), signed(change(moved, 'UDANIEL')))).toMatchObject({ ok: true, kind: 'assign' });
    expect(check(subjects.command('assign', 'sam'), signed(change(moved, 'UMARIA')))).toMatchObject({ ok: false, reason: 'not-allowed' });
    const loosened = { ...sam, approval: { ...sam.approval, autonomous: ['email.send'] } };
    expect(check(subjects.command('assign', 'sam'), signed(change(loosened, 'UDANIEL')))).toMatchObject({ ok: false, reason: 'not-allowed' });
    expect(check(subjects.command('definition', 'sam'), signed(change(loosened, 'cli:ops'), operator))).toMatchObject({ ok: true, kind: 'definition' });
    expect(check(subjects.command('definition', 'sam'), signed(change(loosened, 'cli:ops')))).toMatchObject({ ok: false, reason: 'bad-signature' });
  });
});
