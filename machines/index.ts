export { coworkerMachine, type CoworkerMachine } from './coworker.machine.ts';
export { statusOf, deadlineOf } from './coworker.status.ts';
export type * from './coworker.types.ts';
