// Test fixtures for the console: a memory bus, an in-memory SQLite store with the example
// coworkers and their statuses, users, a console on a free port, and request helpers.
import { request as httpRequest } from 'node:http';
import { pino } from 'pino';
import { loadDefinitions } from '../../definitions/index.ts';
import { createMemoryBus, type Bus } from '../../messaging/index.ts';
import { createSqliteStore, type Store } from '../../persistence/index.ts';
import { ephemeralSigner, type CoworkerStatus, type PendingApprovalView, type Signer } from '../../protocol/index.ts';
import { startConsoleServer, type ConsoleServer } from './console-server.ts';
import { hashPassword } from './passwords.ts';
import type { SignInUser } from './users.ts';

/** Monday 2 March 2026, 06:00 UTC: before every example job's next run that day. */
export const T0 = Date.parse('2026-03-02T06:00:00Z');
export const SECRET = 'test-secret-that-is-long-enough-1234567890';

export const MARIA = { login: 'maria', name: 'Maria Lopez', slack: 'U04MARIA01', password: 'maria-one-time' };
export const DANIEL = { login: 'daniel', name: 'Daniel Okafor', slack: 'U04DANIEL2', password: 'daniel-hashed' };
/** Signed in, but approver of nothing. */
export const ZOE = { login: 'zoe', name: 'Zoe Park', slack: 'U04ZOE0003', password: 'zoe-one-time' };

export const AVA_APPROVAL: PendingApprovalView = {
  id: 'approval-1',
  toolCallId: 'call-1',
  tool: 'email.send',
  args: { to: 'agency@example.com', subject: 'Weekly ads' },
  risk: 'customer-facing',
  reason: 'email.send is gated by the policy',
  summary: 'Email the weekly summary to the agency',
  argsHash: 'hash-1',
  policyVersion: 'v1',
  taskId: 'task-1',
  jobId: 'weekly-ad-report',
  approvers: [MARIA.slack],
  requestedAt: T0 - 60_000,
  deadline: T0 + 4 * 3_600_000,
};

export const STATUSES: Record<string, CoworkerStatus> = {
  ava: {
    state: { status: 'awaitingApproval', shift: 'onDuty' },
    since: T0 - 60_000,
    backlog: 1,
    currentTaskId: 'task-1',
    waitingFor: 'approval of "Email the weekly summary to the agency" from U04MARIA01',
    deadline: AVA_APPROVAL.deadline!,
    approvals: [AVA_APPROVAL],
  },
  sam: { state: { status: 'blocked', shift: 'offDuty' }, since: T0 - 3_600_000, backlog: 0, waitingFor: 'an answer from U04DANIEL2: which pipeline?' },
};

export const QUEUED_TASK = { id: 'task-2', text: 'Check the spend of campaign X', source: 'person', requestedBy: MARIA.slack, createdAt: T0 - 30_000 };

export interface ConsoleFixture {
  bus: Bus;
  store: Store;
  server: ConsoleServer;
  /** The console's key: it signs the decisions of the people signed in. */
  signer: Signer;
  clock: { now: number };
  logLines: Array<Record<string, unknown>>;
  close(): Promise<void>;
}

/** The examples registered (otto never started), ava waiting on Maria, sam blocked; a console in front. */
export async function startConsoleFixture(): Promise<ConsoleFixture> {
  const bus = createMemoryBus();
  const store = createSqliteStore({ path: ':memory:' });
  const loaded = await loadDefinitions(new URL('../../examples/', import.meta.url).pathname);
  if (loaded.problems.length) throw new Error(`examples have problems: ${JSON.stringify(loaded.problems)}`);
  await store.registerCoworkers(loaded.definitions.map((entry) => entry.definition));
  await store.saveSnapshot('ava', 0, { machine: { context: { backlog: [QUEUED_TASK] } }, outbox: [] }, STATUSES.ava!);
  await store.saveSnapshot('sam', 0, { machine: { context: { backlog: [] } }, outbox: [] }, STATUSES.sam!);

  const users: SignInUser[] = [
    MARIA,
    { login: DANIEL.login, name: DANIEL.name, slack: DANIEL.slack, passwordHash: await hashPassword(DANIEL.password) },
    ZOE,
    { login: 'nopass', name: 'No Password', slack: 'U04NOPASS9' },
  ];
  const logLines: Array<Record<string, unknown>> = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => void logLines.push(JSON.parse(line) as Record<string, unknown>) });
  const clock = { now: T0 };
  const signer = ephemeralSigner();
  const server = await startConsoleServer({ bus, store, users, port: 0, secret: SECRET, logger, now: () => clock.now, signer });
  return {
    bus,
    store,
    signer,
    server,
    clock,
    logLines,
    async close() {
      await server.close();
      await bus.close();
      await store.close();
    },
  };
}

export interface ApiOptions {
  method?: string;
  cookie?: string;
  body?: unknown;
  headers?: Record<string, string>;
}

export function api(server: ConsoleServer, path: string, options: ApiOptions = {}): Promise<Response> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.cookie) headers.cookie = options.cookie;
  if (options.body !== undefined) headers['content-type'] ??= 'application/json';
  return fetch(new URL(path, server.url), {
    method: options.method ?? (options.body === undefined ? 'GET' : 'POST'),
    headers,
    ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
  });
}

/** Signs in and returns the Cookie header to send. */
export async function signIn(server: ConsoleServer, user: { login: string; password: string }): Promise<string> {
  const response = await api(server, '/api/session', { body: { login: user.login, password: user.password } });
  if (response.status !== 200) throw new Error(`sign-in of ${user.login} answered ${response.status}: ${await response.text()}`);
  return response.headers.get('set-cookie')!.split(';')[0]!;
}

/** A GET with the path sent exactly as written (fetch would resolve "..", even encoded). */
export function rawGet(server: ConsoleServer, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest({ host: '127.0.0.1', port: server.port, path, method: 'GET' }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode!, body }));
    });
    request.on('error', reject);
    request.end();
  });
}
