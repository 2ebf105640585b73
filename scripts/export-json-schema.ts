// Writes definitions/coworker.schema.json and connectors/connectors.schema.json from the zod
// schemas: `npm run schema`.
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { CONNECTORS_JSON_SCHEMA_FILE, connectorsJsonSchemaText } from '../connectors/index.ts';
import { COWORKER_JSON_SCHEMA_FILE, coworkerJsonSchemaText } from '../definitions/index.ts';

await writeFile(COWORKER_JSON_SCHEMA_FILE, coworkerJsonSchemaText());
console.log(`wrote ${fileURLToPath(COWORKER_JSON_SCHEMA_FILE)}`);

await writeFile(CONNECTORS_JSON_SCHEMA_FILE, await connectorsJsonSchemaText());
console.log(`wrote ${fileURLToPath(CONNECTORS_JSON_SCHEMA_FILE)}`);
