export { createCoworkerHost, type CoworkerHost, type CoworkerHostOptions } from './coworker-host.ts';
export { systemClock, type Clock } from './clock.ts';
export type { TaskRunner, RunContext, RunResult } from './task-runner.ts';
export { createModelRunner } from './model-runner.ts';
export { ScriptedChatModel } from './scripted-model.ts';
