// Subject and name rules shared by both adapters, so a mistake fails the same way (with
// COMMAND_INVALID) in embedded mode as it does against a NATS server.
import { CoworkersError } from '../protocol/index.ts';

/** Subject roots that live in the durable log (JetStream); everything else is live only. */
const DURABLE_ROOTS = ['cmd', 'evt', 'trg'];

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
        : 'Use dot-separated tokens without spaces or wildcards, e.g. "cmd.<coworkerId>".',
    );
  }
}

/** Durable operations (publish, consume) only accept `cmd.…`, `evt.…` and `trg.…` subjects. */
export function assertDurableSubject(subject: string, options: { wildcards: boolean }): void {
  assertSubject(subject, options);
  const root = subject.split('.')[0] ?? '';
  if (!DURABLE_ROOTS.includes(root)) {
    throw invalid(
      `"${subject}" is not a durable subject: only cmd.…, evt.… and trg.… subjects are stored`,
      'Publish commands to cmd.<coworkerId> and events to evt.<coworkerId>.<type>; use request() for calls.',
    );
  }
}

export function assertPrefix(prefix: string): void {
  if (!prefix.split('.').every((token) => TOKEN.test(token))) {
    throw invalid(`"${prefix}" is not a valid subject prefix`, 'Use dot-separated tokens without spaces or wildcards, e.g. "coworkers.v1".');
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
