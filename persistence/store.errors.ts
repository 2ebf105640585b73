// The errors every store adapter raises for the same situations, worded the same way.
import { CoworkersError } from '../protocol/index.ts';

export function coworkerNotFound(id: string): CoworkersError {
  return new CoworkersError('COWORKER_NOT_FOUND', `no coworker "${id}" is registered in the store`, {
    hint: 'Register the coworker (start the runtime with its definition) before saving its state.',
  });
}

export function versionConflict(id: string, expected: number, current: number): CoworkersError {
  return new CoworkersError(
    'VERSION_CONFLICT',
    `coworker "${id}" is at version ${current}, not ${expected}: another writer saved it first`,
    { hint: 'Reload the coworker from the store and apply the change again.' },
  );
}
