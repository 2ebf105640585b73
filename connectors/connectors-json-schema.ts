// connectors.yaml as JSON Schema, built from every connector's own settings schema, so editors
// validate and complete it as people type (the same rules the runtime checks at start).
import { z } from 'zod';
import { CONNECTOR_FACTORIES } from './factories.ts';

/** Where the committed schema lives; examples/connectors.yaml points at it. */
export const CONNECTORS_JSON_SCHEMA_FILE = new URL('./connectors.schema.json', import.meta.url);

/** The schema file's exact text, as `npm run schema` writes it. */
export async function connectorsJsonSchemaText(): Promise<string> {
  const properties: Record<string, unknown> = {};
  for (const [name, load] of Object.entries(CONNECTOR_FACTORIES)) {
    // Draft-07 for the YAML language server; checks zod cannot express (refinements) stay with the runtime.
    const { $schema: _dialect, ...settings } = z.toJSONSchema((await load()).settings, { io: 'input', target: 'draft-7', unrepresentable: 'any' });
    properties[name] = settings;
  }
  const document = {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: 'urn:coworkers:connectors',
    title: 'Connectors of a coworkers deployment',
    description: 'Which connectors run and how they reach their services. Secrets are never written here: settings ending in Env name the environment variable that holds them.',
    type: 'object',
    additionalProperties: false,
    properties,
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}
