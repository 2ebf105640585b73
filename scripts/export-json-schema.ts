// Writes definitions/coworker.schema.json from the zod schema: `npm run schema`.
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { COWORKER_JSON_SCHEMA_FILE, coworkerJsonSchemaText } from '../definitions/index.ts';

await writeFile(COWORKER_JSON_SCHEMA_FILE, coworkerJsonSchemaText());
console.log(`wrote ${fileURLToPath(COWORKER_JSON_SCHEMA_FILE)}`);
