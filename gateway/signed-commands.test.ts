// Every command a person makes but a task leaves the gateway signed by the key of the process
// that signed the person in (or the operator's): the runtime can check who vouches for `by`.
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDefinitions } from '../definitions/index.ts';
import { createMemoryBus } from '../messaging/index.ts';
import { createSqliteStore } from '../persistence/index.ts';
import { coworkerDefinitionSchema, ephemeralSigner, hasValidSignature, PROTOCOL_VERSION, subjects, type Command, type CoworkerEvent } from '../protocol/index.ts';
import { decideApproval } from './approval-commands.ts';
import { assignCoworker } from './assign-commands.ts';
import { AVA_APPROVAL, MARIA, STATUSES } from './console/console-test-kit.ts';
import { answerBlock } from './coworker-commands.ts';
import { loadPeople } from './people.ts';
import { reassignTask } from './task-commands.ts';

const EXAMPLES = fileURLToPath(new URL('../examples/', import.meta.url));
const bus = createMemoryBus();
const store = createSqliteStore({ path: ':memory:' });
const gateway = ephemeralSigner();
const deps = { bus, store, now: Date.now, signer: gateway };
const commands: Command[] = [];

/** Who may have sent it: its signature checks out against the gateway's key, and nobody else's. */
function expectSignedByGateway(command: Command): void {
  expect(hasValidSignature(command, [gateway.publicKey])).toBe(true);
  expect(hasValidSignature(command, [ephemeralSigner().publicKey])).toBe(false);
  // Naming someone else breaks it.
  expect(hasValidSignature({ ...command, by: 'U0MALLORY' }, [gateway.publicKey])).toBe(false);
}

beforeAll(async () => {
  const { definitions } = await loadDefinitions(EXAMPLES);
  await store.registerCoworkers(definitions.map((entry) => entry.definition));
  await store.saveSnapshot('ava', 0, {}, STATUSES.ava!);
  // A stand-in for the runtime: confirms decisions and assignments as the host does.
  await bus.subscribe(subjects.allCommands, async (message) => {
    const command = message.data as Command;
    commands.push(command);
    const at = Date.now();
    if (command.type === 'approval.decide') {
      const decided: CoworkerEvent = { v: PROTOCOL_VERSION, id: `decided-${command.id}`, coworkerId: command.coworkerId, at, type: 'approval.decided', approvalId: command.approvalId, taskId: 'task-1', outcome: command.decision, by: command.by };
      await bus.publish(subjects.event(command.coworkerId, 'approval.decided'), decided, { msgId: decided.id });
    }
    if (command.type === 'definition.changed') {
      await store.registerCoworkers([coworkerDefinitionSchema.parse(command.definition)]);
      const id = `${command.coworkerId}:audit:assigned:${command.id}`;
      await bus.publish(subjects.event(command.coworkerId, 'audit'), { v: PROTOCOL_VERSION, id, coworkerId: command.coworkerId, at, type: 'audit', entry: { kind: 'assigned', by: command.by, summary: 'Assigned' } }, { msgId: id });
    }
  });
});
afterAll(async () => {
  await bus.close();
  await store.close();
});

const sent = (type: Command['type']) => commands.filter((command) => command.type === type);

describe('commands people make', () => {
  it('a decision is signed by the gateway', async () => {
    await expect(decideApproval(deps, { approvalId: AVA_APPROVAL.id, decision: 'approved', by: MARIA.slack })).resolves.toMatchObject({ status: 'applied' });
    const [decision] = sent('approval.decide');
    expect(decision).toMatchObject({ by: MARIA.slack, signature: { key: gateway.publicKey } });
    expectSignedByGateway(decision!);
  });

  it('an answer is signed by the gateway', async () => {
    const answer = await answerBlock(deps, { coworkerId: 'sam', blockId: 'task-9:block:1', answer: 'the new-business pipeline', by: 'U04DANIEL2' });
    expect(sent('block.resolve')).toEqual([answer]);
    expectSignedByGateway(answer);
  });

  it('a reassignment is signed by the gateway', async () => {
    await reassignTask({ ...deps, timeoutMs: 10 }, { coworkerId: 'ava', taskId: 'task-2', to: 'otto', by: MARIA.slack });
    const [move] = sent('task.reassign');
    expectSignedByGateway(move!);
  });

  it('an assignment is signed by the gateway', async () => {
    const people = await loadPeople(EXAMPLES);
    const current = (await store.getCoworker('sam'))!.definition;
    const manager = people.users.find((user) => user.email && user.slack !== current.manager.slack && people.teams?.some((team) => team.id === current.team && team.members?.includes(user.login)));
    await expect(assignCoworker(deps, people, { coworkerId: 'sam', manager: manager!.login, by: current.manager.slack! })).resolves.toMatchObject({ status: 'applied' });
    const [change] = sent('definition.changed');
    expectSignedByGateway(change!);
  });
});
