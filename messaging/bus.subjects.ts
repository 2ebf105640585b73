// Subject and name rules shared by both adapters, so a mistake fails the same way (with
// COMMAND_INVALID) in embedded mode as it does against a NATS server.
import { CoworkersError, STORED_SUBJECTS } from '../protocol/index.ts';

const TOKEN = /^[^\s.*>]+$/;

function invalid(message: string, hint: string): CoworkersError {
  return new CoworkersError('COMMAND_INVALID', message, { hint });
}

/** A relative subject: dot-separated tokens; `*` and a final `>` only where wildcards are allowed. */
export function assertSubject(subject: string, options: { wildcards: boolean }): void {
  const tokens = subject.split('.');
  const valid = tokens.every((token, index) => {
    if (TOKEN.test(token)) return true;
    if (!options.wildcards) return false;
    return token === '*' || (token === '>' && index === tokens.length - 1);
  });
  if (!valid) {
    throw invalid(
      `"${subject}" is not a valid ${options.wildcards ? 'subject pattern' : 'subject'}`,
      options.wildcards
        ? 'Use dot-separated tokens without spaces; `*` matches one token and a final `>` the rest.'
        : 'Use dot-separated tokens without spaces or wildcards, e.g. "evt.<coworkerId>.<type>".',
    );
  }
}

/**
 * Durable operations only take what the log stores (`STORED_SUBJECTS`): a publish must be one of
 * its subjects, a consumer's pattern must be able to match one. JetStream refuses the others too
 * (no stream answers, or the filter is not a subset), this says why in both adapters.
 */
export function assertDurableSubject(subject: string, options: { wildcards: boolean }): void {
  assertSubject(subject, options);
  const stored = STORED_SUBJECTS.some((pattern) => (options.wildcards ? patternsOverlap(pattern, subject) : subjectMatches(pattern, subject)));
  if (!stored) {
    throw invalid(
      `"${subject}" is not a durable subject: only cmd.<kind>.<shard>.<coworker>, evt.…, trg.… and dlq.… subjects are stored`,
      'Publish commands to subjects.command(kind, coworkerId) and events to evt.<coworkerId>.<type>; use request() for calls.',
    );
  }
}

export function assertPrefix(prefix: string): void {
  if (!prefix.split('.').every((token) => TOKEN.test(token))) {
    throw invalid(`"${prefix}" is not a valid subject prefix`, 'Use dot-separated tokens without spaces or wildcards, e.g. "coworkers.v2".');
  }
}

export function assertDurableName(name: string): void {
  if (!/^[A-Za-z0-9_-]+$/.test(name)) {
    throw invalid(`"${name}" is not a valid durable consumer name`, 'Use letters, digits, "-" and "_" only.');
  }
}

/** NATS subject matching: `*` matches one token, a final `>` one or more. */
export function subjectMatches(pattern: string, subject: string): boolean {
  const patternTokens = pattern.split('.');
  const subjectTokens = subject.split('.');
  for (let index = 0; index < patternTokens.length; index++) {
    const token = patternTokens[index];
    if (token === '>') return subjectTokens.length > index;
    if (index >= subjectTokens.length) return false;
    if (token !== '*' && token !== subjectTokens[index]) return false;
  }
  return patternTokens.length === subjectTokens.length;
}

/** True when some subject matches both patterns (NATS: the subjects "collide"). */
export function patternsOverlap(first: string, second: string): boolean {
  const a = first.split('.');
  const b = second.split('.');
  for (let index = 0; index < Math.max(a.length, b.length); index++) {
    const [x, y] = [a[index], b[index]];
    if (x === undefined || y === undefined) return false;
    if (x === '>' || y === '>') return true;
    if (x !== '*' && y !== '*' && x !== y) return false;
  }
  return true;
}
