// A YAML settings file beside the definitions (teams.yaml, retention.yaml): its document, a
// problem pointing at a field's line and column, and its syntax problems, the same for each.
import { LineCounter, parseDocument } from 'yaml';
import type { FieldPath } from './describe-issue.ts';
import type { DefinitionProblem } from './parse-definition.ts';
import { createYamlLocator } from './yaml-positions.ts';

export function openYamlFile(text: string, file: string) {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  const locate = createYamlLocator(doc, lineCounter);
  const problem = (path: FieldPath, message: string, hint?: string, at: 'key' | 'value' = 'value'): DefinitionProblem => ({
    file,
    ...(at === 'key' ? locate.keyAt(path) : locate.valueAt(path)),
    message,
    ...(hint ? { hint } : {}),
  });
  const syntaxProblems: DefinitionProblem[] = doc.errors.map((error) => ({ file, ...locate.offset(error.pos[0]), message: `invalid YAML: ${error.message}` }));
  return { doc, locate, problem, syntaxProblems };
}
