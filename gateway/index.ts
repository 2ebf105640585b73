export { answerBlock, assignTask, findCoworker, listCoworkers, type AssignTaskRequest, type CommandDeps } from './coworker-commands.ts';
export { assignCoworker, assignRefusal, describeAssignment, resolvePlacement, type AssignRequest, type AssignResult } from './assign-commands.ts';
export { findPerson, loadPeople, teamName, type People } from './people.ts';
export { reassignTask, type ReassignRequest, type ReassignResult } from './task-commands.ts';
export { startControlServer, type ControlServerOptions } from './control-server.ts';
export { createControlClient } from './control-client.ts';
export { decideApproval, listApprovals, readAudit, type DecisionRequest, type DecisionResult, type PendingApproval } from './approval-commands.ts';
export { approvalShown, visible, type ApprovalShown } from './chat/approval-facts.ts';
export { startSlackGateway, type SlackGateway, type SlackGatewayOptions } from './slack/slack-gateway.ts';
import type { TeamsGateway, TeamsGatewayOptions } from './teams/teams-gateway.ts';
export type { TeamsGateway, TeamsGatewayOptions };
/** Loaded when Teams is configured: the Teams SDK adds about 0.2 s to every CLI command otherwise. */
export const startTeamsGateway = async (options: TeamsGatewayOptions): Promise<TeamsGateway> => (await import('./teams/teams-gateway.ts')).startTeamsGateway(options);
export {
  activeStatesOf,
  coworkerStatechart,
  layoutStatechart,
  renderStatechartMermaid,
  renderStatechartSvg,
  statechartGraph,
  statechartJson,
  type CoworkerStatechart,
  type StatechartGraph,
  type StatechartJson,
  type StatechartLayout,
  type StatechartState,
  type StatechartTransition,
} from './statechart/index.ts';
export { hashPassword, loadUsers, startConsoleServer, USERS_FILE, verifyPassword, withOneTimePasswords, type ConsoleServer, type ConsoleServerOptions, type SignInUser, type User } from './console/index.ts';
