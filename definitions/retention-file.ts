// `retention.yaml` beside the coworker definitions: how long the store keeps what piles up
// (the audit trail, executed keys and tool results, schedule fires, email drafts, chat posts).
// Optional: without it, or for a field it leaves out, the defaults below apply. Superseded
// snapshot versions have no setting: only the newest version of a coworker is ever read.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isMap } from 'yaml';
import { z } from 'zod';
import { durationMs, durationSchema } from '../protocol/index.ts';
import { closestMatch } from './closest-match.ts';
import { plainLanguageErrors } from './describe-issue.ts';
import type { DefinitionProblem } from './parse-definition.ts';
import { openYamlFile } from './yaml-file.ts';

export const RETENTION_FILE = 'retention.yaml';

/** How long each kind of record is kept after it was last written, in milliseconds. */
export interface Retention {
  audit: number;
  /** Connectors' executed idempotency keys and their results (`tool-runs`, `tool-results`). */
  executedKeys: number;
  /** Recorded schedule fires; the latest of each job is kept whatever its age (catch-up reads it). */
  fires: number;
  drafts: number;
  /** Which chat messages show an approval, so they can be closed once it is decided. */
  chatPosts: number;
}

export const DEFAULT_RETENTION = {
  audit: '365d',
  executedKeys: '30d',
  fires: '30d',
  drafts: '90d',
  chatPosts: '30d',
} as const satisfies Record<keyof Retention, string>;

/**
 * An executed key must outlive every way its call can be asked for again: a command stays in the
 * JetStream stream for 7 days and is redelivered until acknowledged, and a runtime that was down
 * re-runs the step it crashed in when it comes back. A key pruned before that would let the
 * repeated call run again (a second email). 7 days is the stream's age limit (messaging/nats.stream.ts).
 */
const EXECUTED_KEYS_MINIMUM = '7d';

const retentionSchema = z.strictObject({
  audit: durationSchema.default(DEFAULT_RETENTION.audit),
  executedKeys: durationSchema
    .default(DEFAULT_RETENTION.executedKeys)
    .refine((value) => durationMs(value) >= durationMs(EXECUTED_KEYS_MINIMUM), {
      message: `executed keys are kept at least ${EXECUTED_KEYS_MINIMUM}: a command can come back from the stream for 7 days, and a call repeated after its key was pruned would run again`,
    }),
  fires: durationSchema.default(DEFAULT_RETENTION.fires),
  drafts: durationSchema.default(DEFAULT_RETENTION.drafts),
  chatPosts: durationSchema.default(DEFAULT_RETENTION.chatPosts),
});

const retentionFileSchema = z.strictObject({ retention: retentionSchema.default(retentionSchema.parse({})) });

const FIELDS: Record<string, string[]> = { file: ['retention'], retention: Object.keys(retentionSchema.shape) };

export interface LoadedRetention {
  /** The settings, defaults filled in; null when the file has problems. */
  retention: Retention | null;
  problems: DefinitionProblem[];
}

function inMs(settings: Record<keyof Retention, string>): Retention {
  return {
    audit: durationMs(settings.audit),
    executedKeys: durationMs(settings.executedKeys),
    fires: durationMs(settings.fires),
    drafts: durationMs(settings.drafts),
    chatPosts: durationMs(settings.chatPosts),
  };
}

export const defaultRetention = (): Retention => inMs(DEFAULT_RETENTION);

/** Parses and validates a retention.yaml: `retention: { audit: 365d, executedKeys: 30d, … }`. */
export function parseRetention(text: string, file: string): LoadedRetention {
  const { doc, problem, syntaxProblems } = openYamlFile(text, file);
  if (syntaxProblems.length) return { retention: null, problems: syntaxProblems };
  if (doc.contents !== null && !isMap(doc.contents)) {
    return { retention: null, problems: [problem([], 'retention.yaml is a mapping with one field, "retention", holding durations such as { audit: 365d, executedKeys: 30d }', 'see "Retention" in the README')] };
  }
  const result = retentionFileSchema.safeParse(doc.toJS() ?? {}, { error: plainLanguageErrors });
  if (result.success) return { retention: inMs(result.data.retention), problems: [] };
  const problems = result.error.issues.flatMap((issue) => {
    if (issue.code !== 'unrecognized_keys') return [problem(issue.path, `${issue.path.map(String).join('.')}: ${issue.message}`)];
    const allowed = FIELDS[issue.path.length ? 'retention' : 'file']!;
    return issue.keys.map((key) => {
      const suggestion = closestMatch(key, allowed);
      return problem([...issue.path, key], `unknown field "${key}"${suggestion ? ` — did you mean "${suggestion}"?` : ': remove it or check its spelling'}`, `fields allowed here: ${allowed.join(', ')}`, 'key');
    });
  });
  return { retention: null, problems: problems.toSorted((a, b) => a.line - b.line || a.column - b.column) };
}

/** `<dir>/retention.yaml`, or the defaults when there is none. */
export async function loadRetention(dir: string): Promise<LoadedRetention> {
  const file = join(dir, RETENTION_FILE);
  const text = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => (error.code === 'ENOENT' ? null : error));
  if (text === null) return { retention: defaultRetention(), problems: [] };
  if (text instanceof Error) return { retention: null, problems: [{ file, line: 0, column: 0, message: `cannot read the file: ${text.message}` }] };
  return parseRetention(text, file);
}
