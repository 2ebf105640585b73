import { describe, expect, it } from 'vitest';
import { COMMAND_KINDS, SHARD_COUNT, commandKind, parseCommandSubject, shardOf, subjects, type CommandKind } from './subjects.ts';
import { commandSchema, type CommandType } from './messages.ts';

describe('subjects by purpose', () => {
  it('shards by FNV-1a of the id: the worked example of docs/architecture.md', () => {
    // 'ava': 0x811c9dc5 → 0xe40c292c → 0x592518ae → 0x24660ddd = 610667997; 610667997 % 32 = 29.
    expect(shardOf('ava')).toBe(29);
    expect(shardOf('')).toBe(0x811c9dc5 % SHARD_COUNT);
  });

  it('maps every command type to its kind; a definition change is "definition" only when the operator made it', () => {
    const types = commandSchema.options.map((option) => option.shape.type.value) satisfies CommandType[];
    const kinds = Object.fromEntries(types.map((type) => [type, commandKind(type)]));
    expect(kinds).toEqual({
      'task.assign': 'task',
      'task.cancel': 'cancel',
      'approval.decide': 'decision',
      'block.resolve': 'answer',
      'handoff.offer': 'handoff',
      'handoff.answer': 'handoff',
      'task.reassign': 'reassign',
      'definition.changed': 'assign',
    } satisfies Record<CommandType, CommandKind>);
    expect(commandKind('definition.changed', 'operator')).toBe('definition');
    expect(commandKind('definition.changed', 'gateway')).toBe('assign');
    expect(commandKind('task.assign', 'operator')).toBe('task');
    expect(new Set([...Object.values(kinds), 'definition'])).toEqual(new Set(COMMAND_KINDS));
  });

  it('puts a command on cmd.<kind>.<shard>.<coworker>, and a shard consumes every kind of its shard', () => {
    expect(subjects.command('task', 'ava')).toBe('cmd.task.29.ava');
    expect(subjects.commandFor({ type: 'approval.decide', coworkerId: 'ava' })).toBe('cmd.decision.29.ava');
    expect(subjects.commandFor({ type: 'definition.changed', coworkerId: 'ava' }, 'operator')).toBe('cmd.definition.29.ava');
    expect(subjects.shardCommands(29)).toBe('cmd.*.29.*');
    expect(subjects.deadLetter('malformed')).toBe('dlq.malformed');
  });

  it('reads a command subject back, refusing unknown kinds, shards out of range and extra tokens', () => {
    expect(parseCommandSubject('cmd.answer.29.ava')).toEqual({ kind: 'answer', shard: 29, coworkerId: 'ava' });
    for (const subject of ['cmd.task.32.ava', 'cmd.task.07.ava', 'cmd.task.x.ava', 'cmd.audit.29.ava', 'cmd.task.29', 'cmd.task.29.ava.x', 'evt.ava.audit']) {
      expect(parseCommandSubject(subject), subject).toBeUndefined();
    }
  });
});
