export { createCoworkerHost, type CoworkerHost, type CoworkerHostOptions } from './coworker-host.ts';
export { systemClock, type Clock } from './clock.ts';
export type { TaskRunner, RunContext, RunResult } from './task-runner.ts';
export { isOnDuty, nextShiftChange } from './working-hours.ts';
export { createModelRunner } from './model-runner.ts';
export { ScriptedChatModel, SCRIPTED_LABEL } from './scripted-model.ts';
