import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { CONNECTOR_FACTORIES } from './factories.ts';
import { CONNECTORS_JSON_SCHEMA_FILE, connectorsJsonSchemaText } from './connectors-json-schema.ts';

describe('connectors.schema.json', () => {
  it('is what `npm run schema` writes now: run it after changing a connector\'s settings', async () => {
    expect(await readFile(CONNECTORS_JSON_SCHEMA_FILE, 'utf8')).toBe(await connectorsJsonSchemaText());
  });

  it('has a section per connector and refuses unknown ones', async () => {
    const schema = JSON.parse(await connectorsJsonSchemaText());
    expect(schema).toMatchObject({ type: 'object', additionalProperties: false });
    expect(Object.keys(schema.properties)).toEqual(Object.keys(CONNECTOR_FACTORIES));
    expect(schema.properties.email.properties).toHaveProperty('smtp');
  });
});
