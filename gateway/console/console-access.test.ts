// Roles scoped to teams, server-side sessions and the console's audit trail, over real HTTP with
// the examples' users.yaml (Daniel is an admin) and teams.yaml (Maria on marketing, Daniel and
// Priya on sales): every route checks who asks, an ended session is refused at once (its live
// stream too, on this console process and on another), and sign-ins, sign-outs and refusals
// are audited under the coworker id "console".
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDefinitions } from '../../definitions/index.ts';
import { createMemoryBus } from '../../messaging/index.ts';
import { createSqliteStore } from '../../persistence/index.ts';
import { ephemeralSigner, PROTOCOL_VERSION, subjects, type AuditEntry, type CoworkerEvent } from '../../protocol/index.ts';
import { loadPeople, type People } from '../people.ts';
import { CONSOLE_AUDIT_ID } from '../../protocol/index.ts';
import { api, AVA_APPROVAL, signIn, STATUSES, T0 } from './console-test-kit.ts';
import { ROUTES, startConsoleServer, type ConsoleServer } from './console-server.ts';
import type { SignInUser } from './users.ts';

const EXAMPLES = fileURLToPath(new URL('../../examples/', import.meta.url));
const bus = createMemoryBus();
const store = createSqliteStore({ path: ':memory:' });
let server: ConsoleServer;
let people: People;
let users: SignInUser[];
const password = (login: string) => `${login}-password`;
const SAM_APPROVAL = { ...AVA_APPROVAL, id: 'approval-sam', tool: 'email.send', approvers: ['U04DANIEL2', 'U04PRIYA03'] };

const start = (options: { secureCookies?: boolean } = {}) =>
  startConsoleServer({ bus, store, users, people, port: 0, logger: pino({ level: 'silent' }), signer: ephemeralSigner(), ...options });

beforeAll(async () => {
  const { definitions } = await loadDefinitions(EXAMPLES);
  await store.registerCoworkers(definitions.map((entry) => entry.definition));
  await store.saveSnapshot('ava', 0, { machine: { context: { backlog: [] } }, outbox: [] }, STATUSES.ava!);
  await store.saveSnapshot('sam', 0, { machine: { context: { backlog: [] } }, outbox: [] }, { ...STATUSES.ava!, approvals: [SAM_APPROVAL] });
  people = await loadPeople(EXAMPLES);
  users = people.users.map((user) => ({ ...user, password: password(user.login) }));
  server = await start();
});
afterAll(async () => {
  await server.close();
  await bus.close();
  await store.close();
});

const as = (login: string) => signIn(server, { login, password: password(login) });
const consoleAudit = () => store.queryAudit({ coworkerId: CONSOLE_AUDIT_ID });

/** Opens the live stream and collects what it sends; `closed` resolves when the server ends it. */
async function openStream(target: ConsoleServer, cookie: string) {
  const response = await api(target, '/api/events', { cookie });
  expect(response.status).toBe(200);
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  const stream = { text: '', done: false };
  const closed = (async () => {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return void (stream.done = true);
      stream.text += value;
    }
  })();
  await expect.poll(() => stream.text).toContain(': connected');
  return { stream, closed, cancel: () => reader.cancel().catch(() => {}) };
}

describe('every route has an access rule', () => {
  it('the route table names who may call each route', () => {
    const rules = new Set(['signed-in', 'admin', 'see-coworker', 'task-coworker', 'assign-coworker', 'filtered']);
    for (const route of ROUTES) {
      if (route.public) continue;
      expect({ route: `${route.method} ${route.path}`, access: route.access }).toEqual({ route: `${route.method} ${route.path}`, access: expect.toSatisfy((rule: string) => rules.has(rule)) });
    }
  });
});

describe('a viewer of marketing', () => {
  let maria: string;
  beforeAll(async () => {
    maria = await as('maria');
  });

  it("sees only marketing: the crew, a coworker's page, the audit trail, the approvals", async () => {
    const crew = (await (await api(server, '/api/crew', { cookie: maria })).json()) as { teams: Array<{ id: string; coworkers: Array<{ id: string }> }> };
    expect(crew.teams.map((team) => [team.id, team.coworkers.map((coworker) => coworker.id)])).toEqual([['marketing', ['ava']]]);
    expect((await api(server, '/api/coworkers/ava', { cookie: maria })).status).toBe(200);
    expect((await api(server, '/api/audit?coworker=ava', { cookie: maria })).status).toBe(200);
    const approvals = (await (await api(server, '/api/approvals', { cookie: maria })).json()) as { approvals: Array<{ coworkerId: string }> };
    expect(approvals.approvals.map((approval) => approval.coworkerId)).toEqual(['ava']);
  });

  it("cannot see sales' audit trail, Sam's page, or give Sam a task (403), and the console's trail is for admins", async () => {
    const refused: Array<[string, string, unknown?]> = [
      ['GET', '/api/audit?coworker=sam'],
      ['GET', '/api/audit?coworker=sam&kind=tool.executed'],
      ['GET', '/api/coworkers/sam'],
      ['POST', '/api/coworkers/sam/tasks', { text: 'Email every customer' }],
      ['POST', '/api/coworkers/sam/assignment', { team: 'marketing' }],
      ['GET', `/api/audit?coworker=${CONSOLE_AUDIT_ID}`],
      ['GET', '/api/sessions'],
      ['DELETE', '/api/users/daniel/sessions'],
    ];
    for (const [method, path, body] of refused) {
      const response = await api(server, path, { method, cookie: maria, ...(body ? { body } : {}) });
      expect({ method, path, status: response.status }).toEqual({ method, path, status: 403 });
    }
    expect((await api(server, '/api/coworkers/nobody', { cookie: maria })).status).toBe(404);
  });

  it('gives tasks to the coworkers of her team; Priya, a sales viewer who manages none, may not task Sam', async () => {
    expect((await api(server, '/api/coworkers/ava/tasks', { cookie: maria, body: { text: 'Pull the spend' } })).status).toBe(201);
    const priya = await as('priya');
    expect((await api(server, '/api/coworkers/sam/tasks', { cookie: priya, body: { text: 'Email every customer' } })).status).toBe(403);
    const samPage = (await (await api(server, '/api/coworkers/sam', { cookie: priya })).json()) as { canTask: boolean };
    expect(samPage.canTask).toBe(false);
    const daniel = await as('daniel');
    expect((await api(server, '/api/coworkers/ava/tasks', { cookie: daniel, body: { text: 'An admin asks' } })).status).toBe(201);
  });

  it('receives live events of her team only', async () => {
    const { stream, cancel } = await openStream(server, maria);
    const event = (coworkerId: string, text: string): CoworkerEvent => ({ v: PROTOCOL_VERSION, id: `evt-${coworkerId}-${text}`, coworkerId, at: T0, type: 'message', to: { kind: 'user', id: 'U04MARIA01' }, text });
    await bus.publish(subjects.event('sam', 'message'), event('sam', 'secret sales news'), { msgId: 'm-sam' });
    await bus.publish(subjects.event('ava', 'message'), event('ava', 'marketing news'), { msgId: 'm-ava' });
    await expect.poll(() => stream.text).toContain('marketing news');
    expect(stream.text).not.toContain('secret sales news');
    await cancel();
  });
});

describe('sessions kept on the server', () => {
  it('sign-out ends the session everywhere: a copied cookie is refused, its live stream closes at once', async () => {
    const cookie = await as('maria');
    const copy = cookie;
    const live = await openStream(server, cookie);
    expect((await api(server, '/api/session', { method: 'DELETE', cookie })).status).toBe(204);
    await live.closed;
    expect(live.stream.done).toBe(true);
    expect((await api(server, '/api/me', { cookie: copy })).status).toBe(401);
  });

  it("an admin lists sessions and ends anyone's, at once, on this console and on another of the same store", async () => {
    const other = await start();
    try {
      const maria = await as('maria');
      const daniel = await as('daniel');
      const here = await openStream(server, maria);
      const there = await openStream(other, maria);
      const { sessions } = (await (await api(server, '/api/sessions', { cookie: daniel })).json()) as { sessions: Array<{ id: string; login: string; via: string; current: boolean }> };
      expect(sessions.find((session) => session.current)?.login).toBe('daniel');
      const marias = sessions.filter((session) => session.login === 'maria');
      expect(marias.length).toBeGreaterThan(0);
      expect(marias[0]).toMatchObject({ via: 'password', createdAt: expect.any(Number), expiresAt: expect.any(Number), lastSeenAt: expect.any(Number) });
      const newest = marias[0]!;
      expect((await api(server, `/api/sessions/${newest.id}`, { method: 'DELETE', cookie: daniel })).status).toBe(204);
      await here.closed;
      // The other process learns it from the store within a second.
      await Promise.race([there.closed, new Promise((_, reject) => setTimeout(() => reject(new Error('the other console kept the stream open')), 5_000))]);
      expect((await api(server, '/api/me', { cookie: maria })).status).toBe(401);
      expect((await api(other, '/api/me', { cookie: maria })).status).toBe(401);

      const again = await as('maria');
      expect(await (await api(server, '/api/users/maria/sessions', { method: 'DELETE', cookie: daniel })).json()).toEqual({ ended: expect.any(Number) });
      expect((await api(server, '/api/me', { cookie: again })).status).toBe(401);
    } finally {
      await other.close();
    }
  });

  it('marks the cookie Secure when the console is served over https', async () => {
    const secure = await start({ secureCookies: true });
    try {
      const response = await api(secure, '/api/session', { body: { login: 'maria', password: password('maria') } });
      expect(response.headers.get('set-cookie')).toMatch(/; HttpOnly; SameSite=Strict; Path=\/; Max-Age=43200; Secure$/);
      const cookie = response.headers.get('set-cookie')!.split(';')[0]!;
      expect((await api(secure, '/api/session', { method: 'DELETE', cookie })).headers.get('set-cookie')).toMatch(/Max-Age=0; Secure$/);
    } finally {
      await secure.close();
    }
  });
});

describe("the console's audit trail", () => {
  it('has sign-ins, sign-outs and refusals, which an admin reads at /api/audit?coworker=console', async () => {
    await api(server, '/api/session', { body: { login: 'priya', password: 'not-hers' } });
    const maria = await as('maria');
    await api(server, '/api/audit?coworker=sam', { cookie: maria });
    await api(server, '/api/session', { method: 'DELETE', cookie: maria });
    await api(server, '/api/me', { cookie: maria });
    const entries = await consoleAudit();
    const has = (kind: string, by: string, summary: RegExp) => entries.some((entry: AuditEntry) => entry.kind === kind && entry.by === by && summary.test(entry.summary));
    expect(has('console.signed-in', 'U04MARIA01', /Maria Lopez signed in with a password/)).toBe(true);
    expect(has('console.signed-out', 'U04MARIA01', /Maria Lopez signed out/)).toBe(true);
    expect(has('console.signed-out', 'U04DANIEL2', /Daniel Okafor ended maria's session/)).toBe(true);
    expect(has('console.refused', 'U04PRIYA03', /Sign-in refused for "priya": wrong login or password/)).toBe(true);
    expect(has('console.refused', 'U04MARIA01', /Maria Lopez was refused GET \/api\/audit/)).toBe(true);
    expect(has('console.refused', 'unknown', /ended, expired or unknown session was refused: GET \/api\/me/)).toBe(true);
    expect(JSON.stringify(entries)).not.toContain('not-hers');

    const daniel = await as('daniel');
    const read = (await (await api(server, `/api/audit?coworker=${CONSOLE_AUDIT_ID}&kind=console.refused`, { cookie: daniel })).json()) as { entries: AuditEntry[] };
    expect(read.entries.length).toBeGreaterThan(0);
    expect(read.entries.every((entry) => entry.kind === 'console.refused' && entry.coworkerId === 'console')).toBe(true);
  });

  it('audits a flood of refusals a few at a time, counting the rest', async () => {
    const maria = await as('maria');
    const before = (await consoleAudit()).filter((entry) => entry.by === 'U04MARIA01' && entry.kind === 'console.refused').length;
    for (let index = 0; index < 40; index += 1) await api(server, '/api/coworkers/sam', { cookie: maria });
    const after = (await consoleAudit()).filter((entry) => entry.by === 'U04MARIA01' && entry.kind === 'console.refused').length;
    expect(after - before).toBeLessThanOrEqual(10);
    expect(after - before).toBeGreaterThan(0);
  });
});
