// The coworker definition as JSON Schema, so editors validate and complete the YAML as people type.
import { z } from 'zod';
import { coworkerDefinitionSchema } from '../protocol/index.ts';

/** Where the committed schema lives; examples point at it with a yaml-language-server comment. */
export const COWORKER_JSON_SCHEMA_FILE = new URL('./coworker.schema.json', import.meta.url);

/** The schema file's exact text, as `npm run schema` writes it. */
export function coworkerJsonSchemaText(): string {
  // The input side: what people write, where defaulted fields are optional. Draft-07 because the
  // YAML language server (VS Code, JetBrains, Neovim) validates with draft-07.
  const { $schema, ...schema } = z.toJSONSchema(coworkerDefinitionSchema, { io: 'input', target: 'draft-7' });
  const document = {
    $schema,
    $id: 'urn:coworkers:coworker-definition',
    title: 'Coworker definition',
    description: 'One AI coworker of the coworkers runtime: who it is, whom it reports to, its jobs, tools, approval policy and budget.',
    ...schema,
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}
