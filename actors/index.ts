export { createCoworkerHost, type CoworkerHost, type CoworkerHostOptions } from './coworker-host.ts';
export { systemClock, type Clock } from './clock.ts';
export type { TaskRunner, RunContext, RunResult } from './task-runner.ts';
export { createAgentRunner, type AgentRunnerOptions } from './agent-runner.ts';
export { ScriptedChatModel, SCRIPTED_LABEL, type Playbook, type ScriptedTurn, type Conversation } from './scripted-model.ts';
export { createAuditRecorder } from './audit-recorder.ts';
export { createScheduler, type Scheduler, type SchedulerOptions } from './scheduler.ts';
export { createTriggerRouter, type TriggerRouter, type TriggerRouterOptions } from './trigger-router.ts';
export { classifyCall } from './policy.ts';
