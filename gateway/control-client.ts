// Client side of the control socket, used by the CLI against a running `coworkers up`.
import { request } from 'node:http';
import { existsSync } from 'node:fs';
import type { DeadLetterListing } from '../messaging/index.ts';
import type { CoworkerSummary } from '../persistence/index.ts';
import { CoworkersError, type AuditEntry, type AuditQuery, type Command, type CoworkersErrorJSON } from '../protocol/index.ts';
import type { DecisionRequest, DecisionResult, PendingApproval } from './approval-commands.ts';
import type { AssignTaskRequest } from './coworker-commands.ts';
import type { ReassignRequest, ReassignResult } from './task-commands.ts';
import type { AssignRequest, AssignResult } from './assign-commands.ts';

function notRunning(socketPath: string, cause?: unknown): CoworkersError {
  return new CoworkersError('RUNTIME_NOT_RUNNING', `No running "coworkers up" answers at ${socketPath}.`, {
    hint: 'Start it in this folder with "npm start" (or "npx coworkers up"), or set NATS_URL and MONGODB_URI to reach a distributed deployment.',
    cause,
  });
}

function call<T>(socketPath: string, method: string, path: string, body?: unknown): Promise<T> {
  if (!existsSync(socketPath)) return Promise.reject(notRunning(socketPath));
  return new Promise((resolve, reject) => {
    const req = request({ socketPath, method, path, headers: { 'content-type': 'application/json' } }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk) => (text += chunk));
      response.on('end', () => {
        const parsed = JSON.parse(text) as unknown;
        if ((response.statusCode ?? 500) >= 400) reject(CoworkersError.fromJSON(parsed as CoworkersErrorJSON));
        else resolve(parsed as T);
      });
    });
    req.on('error', (error) => reject(notRunning(socketPath, error)));
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

export function createControlClient(socketPath: string) {
  return {
    listCoworkers: () => call<CoworkerSummary[]>(socketPath, 'GET', '/coworkers'),
    assignTask: ({ coworkerId, ...task }: AssignTaskRequest) => call<Command>(socketPath, 'POST', `/coworkers/${encodeURIComponent(coworkerId)}/tasks`, task),
    listApprovals: () => call<PendingApproval[]>(socketPath, 'GET', '/approvals'),
    readDeadLetters: ({ since }: { since?: number } = {}) => call<DeadLetterListing>(socketPath, 'GET', `/dead-letters${since !== undefined ? `?since=${since}` : ''}`),
    /** `dir`: where users.yaml and teams.yaml are, read by the running process. */
    assignCoworker: ({ coworkerId, ...request }: AssignRequest, dir: string) => call<AssignResult>(socketPath, 'POST', `/coworkers/${encodeURIComponent(coworkerId)}/assignment`, { ...request, dir }),
    decideApproval: ({ approvalId, ...decision }: DecisionRequest) =>
      call<DecisionResult>(socketPath, 'POST', `/approvals/${encodeURIComponent(approvalId)}/decision`, decision),
    reassignTask: ({ coworkerId, taskId, ...move }: ReassignRequest) =>
      call<ReassignResult>(socketPath, 'POST', `/coworkers/${encodeURIComponent(coworkerId)}/tasks/${encodeURIComponent(taskId)}/reassign`, move),
    readAudit: ({ coworkerId, runId, jobId, from }: AuditQuery) => {
      const filters = new URLSearchParams({ ...(runId ? { run: runId } : {}), ...(jobId ? { job: jobId } : {}), ...(from !== undefined ? { from: String(from) } : {}) });
      return call<AuditEntry[]>(socketPath, 'GET', `/coworkers/${encodeURIComponent(coworkerId)}/audit?${filters}`);
    },
  };
}
