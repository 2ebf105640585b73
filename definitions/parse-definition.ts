// One YAML file → one validated coworker definition, or every problem in it with its position.
import { type Document, isMap, isSeq, LineCounter, parseAllDocuments, type YAMLError } from 'yaml';
import { type CoworkerDefinition, coworkerDefinitionSchema } from '../protocol/index.ts';
import { describeIssue, plainLanguageErrors } from './describe-issue.ts';
import { createYamlLocator, type Position, positionAt } from './yaml-positions.ts';

export interface DefinitionProblem {
  file: string;
  /** 1-based; 0 when the problem is about the path as a whole (missing, unreadable, no YAML files). */
  line: number;
  column: number;
  /** What is wrong and how to fix it. */
  message: string;
  /** More help, such as the fields allowed at that place. */
  hint?: string;
}

export interface ParsedDefinition {
  /** Present only when the file has no problems. */
  definition?: CoworkerDefinition;
  problems: DefinitionProblem[];
}

/** Parses and validates one coworker definition; `file` only labels the problems. */
export function parseDefinition(text: string, file: string): ParsedDefinition {
  const { definition, problems } = parseDefinitionWithIdPosition(text, file);
  return definition ? { definition, problems } : { problems };
}

/** parseDefinition, plus where the id and the team are written, so checks across files can point at them. */
export function parseDefinitionWithIdPosition(text: string, file: string): ParsedDefinition & { idPosition?: Position; teamPosition?: Position } {
  const problem = (at: Position, message: string, hint?: string): DefinitionProblem => ({ file, ...at, message, ...(hint ? { hint } : {}) });
  const lineCounter = new LineCounter();
  // prettyErrors off: positions come from the line counter, and messages stay one line long.
  const documents = parseAllDocuments(text, { lineCounter, prettyErrors: false });
  const [doc, second] = documents;
  if (second) {
    return {
      problems: [problem(positionAt(lineCounter, second.range[0]), `this file holds ${documents.length} YAML documents: a definition file describes exactly one coworker`, 'move each coworker into its own file and remove the "---" separator')],
    };
  }
  if (!doc || doc.contents === null) {
    return {
      problems: [problem({ line: 1, column: 1 }, 'the file is empty: write one coworker definition (id, name, role, team, manager, timezone, jobs, …)', 'start from a copy of one of the files in examples/')],
    };
  }

  const locate = createYamlLocator(doc, lineCounter);
  const yamlProblems = firstAtEachOffset([...doc.errors, ...doc.warnings]).map((error) =>
    problem(locate.offset(error.pos[0]), `invalid YAML: ${error.message}`, YAML_HINTS[error.code]),
  );
  if (doc.errors.length) return { problems: sortByPosition(yamlProblems) };
  if (!isMap(doc.contents)) {
    const found = isSeq(doc.contents) ? 'a list' : 'a single value';
    return { problems: [problem(locate.valueAt([]), `a coworker definition is a mapping of fields (id: …, name: …), but this file holds ${found}`)] };
  }

  const data = toJS(doc);
  if (data instanceof Error) return { problems: [problem(locate.valueAt([]), `invalid YAML: ${data.message}`)] };
  const result = coworkerDefinitionSchema.safeParse(data, { error: plainLanguageErrors });
  const schemaProblems = (result.error?.issues ?? []).flatMap((issue) =>
    describeIssue(issue, data).map((report) =>
      problem(report.target === 'key' ? locate.keyAt(report.path) : locate.valueAt(report.path), report.message, report.hint),
    ),
  );
  const problems = sortByPosition([...yamlProblems, ...schemaProblems]);
  const idPosition = locate.valueAt(['id']);
  const teamPosition = locate.valueAt(['team']);
  return result.success && !problems.length ? { definition: result.data, problems, idPosition, teamPosition } : { problems, idPosition };
}

// Aliases are resolved only here, so an alias without an anchor surfaces as a thrown error.
function toJS(doc: Document): unknown {
  try {
    return doc.toJS();
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  }
}

// One mistake often trips several parser rules at the same spot; the first says it best.
function firstAtEachOffset(errors: YAMLError[]): YAMLError[] {
  return errors.filter((error, index) => errors.findIndex((other) => other.pos[0] === error.pos[0]) === index);
}

function sortByPosition(problems: DefinitionProblem[]): DefinitionProblem[] {
  return problems.toSorted((a, b) => a.line - b.line || a.column - b.column);
}

const INDENTATION_HINT = 'check the indentation of this line and the one above it; quote values that contain ": " or " #"';

const YAML_HINTS: Partial<Record<YAMLError['code'], string>> = {
  TAB_AS_INDENT: 'indent with spaces: YAML does not allow tabs',
  DUPLICATE_KEY: 'each field may appear once per mapping: remove or merge the repeated one',
  BAD_INDENT: INDENTATION_HINT,
  BLOCK_AS_IMPLICIT_KEY: INDENTATION_HINT,
  MULTILINE_IMPLICIT_KEY: INDENTATION_HINT,
  MISSING_CHAR: 'a quote, bracket or "-" is missing near here',
  TAG_RESOLVE_FAILED: 'remove the !tag: definitions use plain YAML values',
};
