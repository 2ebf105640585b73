// A subject this process's NATS identity may not use: the server says "Permissions Violation",
// and the client hands it over as a PermissionViolationError, on its own or as the cause of a
// request's error. It is never worth a retry, and the message names the subject.
import { PermissionViolationError } from '@nats-io/transport-node';
import { CoworkersError } from '../protocol/index.ts';

function violationIn(error: unknown): PermissionViolationError | undefined {
  for (let current = error; current instanceof Error; current = current.cause) {
    if (current instanceof PermissionViolationError) return current;
  }
  return undefined;
}

/** PERMISSION_DENIED for a refused subject, or undefined when `error` is something else. */
export function permissionDenied(error: unknown): CoworkersError | undefined {
  const violation = violationIn(error);
  if (!violation) return undefined;
  const what = violation.operation === 'subscription' ? 'subscribe to' : 'publish to';
  return new CoworkersError('PERMISSION_DENIED', `NATS refused to let this process ${what} "${violation.subject}": its identity has no permission for that subject`, {
    hint: 'Check that NATS_NKEY_FILE names the seed of this kind of process (coworkers nats-config writes runtime.nk, gateway.nk, operator.nk, connector-<name>.nk) and that nats-server runs the config written with it.',
    cause: error,
  });
}
