import { readFile } from 'node:fs/promises';
import { Validator } from '@cfworker/json-schema';
import { describe, expect, it } from 'vitest';
import { protocolJsonSchemaFiles } from './json-schemas.ts';
import { PROTOCOL_VERSION } from './messages.ts';

describe('the protocol JSON Schemas (protocol/schemas/)', () => {
  it('are what `npm run schema` writes now: run it after changing a command, event or dead letter', async () => {
    for (const { file, text } of protocolJsonSchemaFiles()) {
      expect(await readFile(file, 'utf8'), file.pathname).toBe(text);
    }
  });

  it("validate a third party's command, and refuse one with a field of another kind", () => {
    const commands = JSON.parse(protocolJsonSchemaFiles().find(({ file }) => file.pathname.endsWith('commands.schema.json'))!.text);
    const validator = new Validator(commands, '2020-12');
    const at = Date.parse('2026-12-01T09:00:00Z');
    const task = { v: PROTOCOL_VERSION, id: 'ext-1', coworkerId: 'ava', at, type: 'task.assign', task: { id: 'ext-1', text: 'Pull last week’s ad spend', source: 'person', requestedBy: 'U012ABC', createdAt: at } };
    expect(validator.validate(task).valid).toBe(true);
    expect(validator.validate({ ...task, taskId: 't-1' }).valid).toBe(false);
    expect(commands.$defs['task.assign'].description).toBe('Subject: <prefix>.cmd.task.<shard>.<coworkerId>');
  });
});
