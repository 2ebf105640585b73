// Writes definitions/coworker.schema.json, connectors/connectors.schema.json and the protocol's
// schemas (protocol/schemas/) from the zod schemas: `npm run schema`.
import { mkdir, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { CONNECTORS_JSON_SCHEMA_FILE, connectorsJsonSchemaText } from '../connectors/index.ts';
import { COWORKER_JSON_SCHEMA_FILE, coworkerJsonSchemaText } from '../definitions/index.ts';
import { protocolJsonSchemaFiles } from '../protocol/json-schemas.ts';

await writeFile(COWORKER_JSON_SCHEMA_FILE, coworkerJsonSchemaText());
console.log(`wrote ${fileURLToPath(COWORKER_JSON_SCHEMA_FILE)}`);

await writeFile(CONNECTORS_JSON_SCHEMA_FILE, await connectorsJsonSchemaText());
console.log(`wrote ${fileURLToPath(CONNECTORS_JSON_SCHEMA_FILE)}`);

for (const { file, text } of protocolJsonSchemaFiles()) {
  await mkdir(new URL('.', file), { recursive: true });
  await writeFile(file, text);
  console.log(`wrote ${fileURLToPath(file)}`);
}
