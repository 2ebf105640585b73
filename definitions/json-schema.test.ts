import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { COWORKER_JSON_SCHEMA_FILE, coworkerJsonSchemaText } from './index.ts';

describe('coworker.schema.json', () => {
  it('is what `npm run schema` writes now: run it after changing the definition schema', async () => {
    expect(await readFile(COWORKER_JSON_SCHEMA_FILE, 'utf8')).toBe(coworkerJsonSchemaText());
  });

  it('describes the input side, where fields with defaults are optional', () => {
    const schema = JSON.parse(coworkerJsonSchemaText());
    expect(schema).toMatchObject({ $id: expect.any(String), title: 'Coworker definition', type: 'object', additionalProperties: false });
    expect(schema.required).toEqual(['id', 'name', 'role', 'team', 'manager', 'timezone']);
  });
});
