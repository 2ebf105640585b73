// User data as real BSON fields: keys escaped reversibly (MongoDB restricts '.' and '$' in keys and
// FerretDB 1.x refuses them), arrays directly inside arrays wrapped (FerretDB 1.x refuses nested
// arrays), times as BSON Dates. Reads also take what the previous release
// wrote (JSON text, epoch-ms doubles), so existing databases need no migration.
import type { CoworkerStatus } from '../protocol/index.ts';

/** Marks the next character as literal, so the characters that stand for '.' and '$' stay exact. */
const ESCAPE = '\uFF3C';
const DOT = '\uFF0E';
const DOLLAR = '\uFF04';
/** BSON keys are NUL-terminated. */
const NUL_MARK = '0';
/** The key of `{ "＼[": [...] }`, an array inside an array; escaping never makes it from a user key. */
const ARRAY_KEY = `${ESCAPE}[`;
const NEEDS_ESCAPE = /[.$\0\uFF3C\uFF0E\uFF04]/;
const NEEDS_UNESCAPE = /[\uFF3C\uFF0E\uFF04]/;

export function escapeKey(key: string): string {
  if (!NEEDS_ESCAPE.test(key)) return key;
  let escaped = '';
  for (const char of key) {
    if (char === '.') escaped += DOT;
    else if (char === '$') escaped += DOLLAR;
    else if (char === '\0') escaped += ESCAPE + NUL_MARK;
    else if (char === ESCAPE || char === DOT || char === DOLLAR) escaped += ESCAPE + char;
    else escaped += char;
  }
  return escaped;
}

export function unescapeKey(key: string): string {
  if (!NEEDS_UNESCAPE.test(key)) return key;
  let plain = '';
  for (let index = 0; index < key.length; index++) {
    const char = key[index]!;
    if (char === ESCAPE) {
      const next = key[++index]!;
      plain += next === NUL_MARK ? '\0' : next;
    } else if (char === DOT) plain += '.';
    else if (char === DOLLAR) plain += '$';
    else plain += char;
  }
  return plain;
}

/**
 * A value as it is stored: what JSON would keep of it (no undefined, functions or NaN; dates as
 * text, exactly as the JSON text format did), with every object key escaped and every array
 * inside an array wrapped. Built bottom-up by JSON.parse; Object.fromEntries keeps a `__proto__`
 * key as data.
 */
export function toStored(value: unknown): unknown {
  const json = JSON.stringify(value);
  if (json === undefined) return null;
  return JSON.parse(json, (_key, parsed: unknown) => {
    if (Array.isArray(parsed)) return parsed.some(Array.isArray) ? parsed.map((item: unknown) => (Array.isArray(item) ? { [ARRAY_KEY]: item } : item)) : parsed;
    if (parsed !== null && typeof parsed === 'object' && Object.keys(parsed).some((key) => NEEDS_ESCAPE.test(key))) {
      return Object.fromEntries(Object.entries(parsed).map(([key, field]) => [escapeKey(key), field]));
    }
    return parsed;
  });
}

/** The value back from a stored field: a BSON document with escaped keys, or the previous release's JSON text. */
export function fromStored<T>(stored: unknown): T {
  if (typeof stored === 'string') return JSON.parse(stored) as T;
  return unescapeAll(stored) as T;
}

function unescapeAll(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(unescapeAll);
  if (value === null || typeof value !== 'object') return value;
  const keys = Object.keys(value);
  if (keys.length === 1 && keys[0] === ARRAY_KEY) return unescapeAll((value as Record<string, unknown>)[ARRAY_KEY]);
  return Object.fromEntries(Object.entries(value).map(([key, field]) => [unescapeKey(key), unescapeAll(field)]));
}

/** Epoch ms from a stored time: a Date, or the previous release's double. */
export function fromTime(stored: Date | number): number {
  return typeof stored === 'number' ? stored : stored.getTime();
}

/**
 * A filter on a time field for both formats: BSON compares a Date only with Dates and a number
 * only with numbers, so documents of the previous release are matched by a second clause.
 */
export function timeRange(field: string, range: { from?: number; to?: number }): Record<string, unknown> {
  const bounds = (at: (ms: number) => Date | number) => ({
    ...(range.from !== undefined && { $gte: at(range.from) }),
    ...(range.to !== undefined && { $lt: at(range.to) }),
  });
  return { $or: [{ [field]: bounds((ms) => new Date(ms)) }, { [field]: bounds((ms) => ms) }] };
}

type StoredApproval = Record<string, unknown> & { requestedAt?: unknown; deadline?: unknown };

/**
 * A status as stored: its times as Dates (since, deadline, each pending approval's requestedAt
 * and deadline) so an operator can ask who has been blocked since when, and its approvals'
 * arguments (user data) with escaped keys.
 */
export function statusToStored(status: CoworkerStatus): Record<string, unknown> {
  const stored = toStored(status) as Record<string, unknown> & { approvals?: StoredApproval[] };
  const date = (ms: unknown) => (typeof ms === 'number' ? new Date(ms) : ms);
  return {
    ...stored,
    since: date(stored.since),
    ...(stored.deadline !== undefined && { deadline: date(stored.deadline) }),
    ...(stored.approvals && { approvals: stored.approvals.map((approval) => ({ ...approval, requestedAt: date(approval.requestedAt), deadline: date(approval.deadline) })) }),
  };
}

/** The status back: Dates (or the previous release's numbers) as epoch ms, keys unescaped. */
export function statusFromStored(stored: Record<string, unknown> & { approvals?: StoredApproval[] }): CoworkerStatus {
  const ms = (value: unknown) => (value instanceof Date ? value.getTime() : value);
  return fromStored<CoworkerStatus>({
    ...stored,
    since: ms(stored.since),
    ...(stored.deadline !== undefined && { deadline: ms(stored.deadline) }),
    ...(stored.approvals && { approvals: stored.approvals.map((approval) => ({ ...approval, requestedAt: ms(approval.requestedAt), deadline: ms(approval.deadline) })) }),
  });
}

