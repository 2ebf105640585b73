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

export function fenced(id: string, stored: number, given: number): CoworkersError {
  return new CoworkersError(
    'FENCED',
    `coworker "${id}" is held by a newer owner (fence ${stored} > ${given}): this process lost its lease`,
    { hint: 'This process stops writing this coworker; another one hosts it now.' },
  );
}
