// Turns zod issues into messages a person can act on: what is wrong, where, and how to fix it.
// Positions are resolved elsewhere (parse-definition.ts); here an issue only says which node it
// is about: the value at a path, or the key of that path's field.
import { z } from 'zod';
import { coworkerDefinitionSchema } from '../protocol/index.ts';
import { closestMatch } from './closest-match.ts';

export type FieldPath = readonly PropertyKey[];

export interface IssueReport {
  path: FieldPath;
  /** Point at the value at `path`, or at the key that names it. */
  target: 'value' | 'key';
  message: string;
  hint?: string;
}

// Why each required field matters and what to write; keys are paths with list indexes as [].
const REQUIRED_FIELD_HELP: Record<string, string> = {
  id: 'every coworker needs a unique id; add id: ava (lowercase letters, digits and dashes)',
  name: 'add the name people call this coworker, e.g. name: Ava',
  role: 'add what this coworker does, in a few words, e.g. role: Marketing analyst',
  team: 'every coworker belongs to a team; add team: marketing',
  manager: 'every coworker reports to one person; add manager: { name, slack and/or teams, email }',
  'manager.name': "add the manager's full name, e.g. name: Maria Lopez",
  'manager.email': "add the manager's email address, e.g. email: maria@example.com",
  timezone: 'schedules and working hours run in it; add an IANA time zone, e.g. timezone: Europe/Berlin',
  'jobs[].id': 'every job needs an id; add e.g. id: weekly-report',
  'jobs[].instructions': 'add what the coworker should do when the job runs, e.g. instructions: Summarise last week',
  'jobs[].triggers[].event': 'add the event that starts the job, e.g. event: crm.deal.stale',
};

/** One or more reports for a zod issue: an issue naming several unknown keys gives one per key. */
export function describeIssue(issue: z.core.$ZodIssue, data: unknown): IssueReport[] {
  if (issue.code === 'unrecognized_keys') return issue.keys.map((key) => unknownField(issue.path, key));
  const key = issue.path.at(-1);
  const parent = valueAt(data, issue.path.slice(0, -1));
  // A missing or empty required field reads as "expected text, found nothing"; say which field instead.
  if (issue.code === 'invalid_type' && key !== undefined && isPlainObject(parent)) {
    const help = REQUIRED_FIELD_HELP[pattern(issue.path)];
    const where = issue.path.length > 1 ? ` in ${label(issue.path.slice(0, -1))}` : '';
    if (!Object.hasOwn(parent, String(key))) {
      return [{ path: issue.path.slice(0, -1), target: 'value', message: `missing "${String(key)}"${where}: ${help ?? `add ${String(key)}: …`}` }];
    }
    if (parent[String(key)] === null) {
      return [{ path: issue.path, target: 'key', message: `"${String(key)}"${where} has no value: ${help ?? 'give it one or remove the line'}` }];
    }
  }
  const prefix = issue.path.length ? `${label(issue.path)}: ` : '';
  return [{ path: issue.path, target: 'value', message: prefix + issue.message }];
}

function unknownField(path: FieldPath, key: string): IssueReport {
  const known = knownFieldsAt(path);
  const suggestion = closestMatch(key, known);
  const where = path.length ? ` in ${label(path)}` : '';
  return {
    path: [...path, key],
    target: 'key',
    message: suggestion
      ? `unknown field "${key}"${where} — did you mean "${suggestion}"?`
      : `unknown field "${key}"${where}: remove it or check its spelling`,
    hint: `fields allowed here: ${known.join(', ')}`,
  };
}

/** Plain-language messages for zod's generic issues; messages written in the schema take precedence. */
export const plainLanguageErrors: z.core.$ZodErrorMap = (issue) => {
  switch (issue.code) {
    case 'invalid_type':
      return `expected ${KIND[issue.expected] ?? issue.expected}, found ${describeValue(issue.input)}${quoteAdvice(issue.expected, issue.input)}`;
    case 'invalid_union': {
      const kinds = issue.errors.flat().flatMap((inner) => (inner.code === 'invalid_type' ? [KIND[inner.expected] ?? inner.expected] : []));
      return kinds.length ? `expected ${oneOf(kinds)}, found ${describeValue(issue.input)}` : undefined;
    }
    case 'invalid_value':
      return `${describeValue(issue.input)} is not allowed: use one of ${issue.values.map((value) => JSON.stringify(value)).join(', ')}`;
    case 'too_small':
      if (issue.origin === 'string') return issue.minimum === 1 ? 'must not be empty' : `must be at least ${issue.minimum} characters`;
      if (issue.origin === 'array') return `needs at least ${issue.minimum} ${issue.minimum === 1 ? 'item' : 'items'}`;
      return `must be ${issue.inclusive ? 'at least' : 'greater than'} ${issue.minimum}`;
    case 'too_big':
      if (issue.origin === 'string') return `must be at most ${issue.maximum} characters`;
      if (issue.origin === 'array') return `must have at most ${issue.maximum} items`;
      return `must be ${issue.inclusive ? 'at most' : 'less than'} ${issue.maximum}`;
    default:
      return undefined;
  }
};

const KIND: Record<string, string> = {
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true/false',
  array: 'a list',
  object: 'a mapping of fields',
  record: 'a mapping of fields',
};

function oneOf(words: string[]): string {
  return words.length > 1 ? `${words.slice(0, -1).join(', ')} or ${words.at(-1)}` : (words[0] ?? '');
}

function describeValue(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'number') return `the number ${value}`;
  return String(value);
}

// YAML reads 2024 or true as a number or a boolean; quoting is the fix people look for.
function quoteAdvice(expected: string, input: unknown): string {
  return expected === 'string' && (typeof input === 'number' || typeof input === 'boolean') ? ` (quote it to make it text: "${input}")` : '';
}

/** A path as people write it: jobs[0].tools[1]. */
function label(path: FieldPath, listIndex = (index: number) => `[${index}]`): string {
  return path.map((segment, position) => (typeof segment === 'number' ? listIndex(segment) : `${position ? '.' : ''}${String(segment)}`)).join('');
}

/** The path as REQUIRED_FIELD_HELP names it: jobs[].id. */
function pattern(path: FieldPath): string {
  return label(path, () => '[]');
}

function valueAt(data: unknown, path: FieldPath): unknown {
  let value = data;
  for (const segment of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<PropertyKey, unknown>)[segment];
  }
  return value;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The field names the schema allows for the mapping at `path`. */
function knownFieldsAt(path: FieldPath): string[] {
  let schema: z.core.$ZodType = coworkerDefinitionSchema;
  for (const segment of path) {
    schema = unwrap(schema);
    if (schema instanceof z.ZodObject) schema = schema.shape[String(segment)] as z.core.$ZodType;
    else if (schema instanceof z.ZodArray) schema = schema.element;
    else return [];
    if (!schema) return [];
  }
  schema = unwrap(schema);
  return schema instanceof z.ZodObject ? Object.keys(schema.shape) : [];
}

function unwrap(schema: z.core.$ZodType): z.core.$ZodType {
  return schema instanceof z.ZodDefault || schema instanceof z.ZodOptional ? unwrap(schema.unwrap()) : schema;
}
