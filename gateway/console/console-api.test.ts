// The console's JSON API over real HTTP: who may read and decide, and what each route answers.
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION, ephemeralSigner, hasValidSignature, subjects, type Command, type CoworkerEvent } from '../../protocol/index.ts';
import { api, AVA_APPROVAL, DANIEL, MARIA, QUEUED_TASK, signIn, startConsoleFixture, STATUSES, T0, ZOE, type ConsoleFixture } from './console-test-kit.ts';
import { startConsoleServer } from './console-server.ts';
import { createSqliteStore } from '../../persistence/index.ts';
import { createSessions, SESSION_COOKIE, SESSION_LIFETIME_MS } from './sessions.ts';

let fixture: ConsoleFixture;
let maria: string;
let zoe: string;

beforeAll(async () => {
  fixture = await startConsoleFixture();
  maria = await signIn(fixture.server, MARIA);
  zoe = await signIn(fixture.server, ZOE);
});
afterAll(() => fixture.close());

const PROTECTED_ROUTES: Array<[string, string, unknown?]> = [
  ['DELETE', '/api/session'],
  ['GET', '/api/me'],
  ['GET', '/api/crew'],
  ['GET', '/api/coworkers/ava'],
  ['GET', '/api/statechart'],
  ['GET', '/api/approvals'],
  ['POST', `/api/approvals/${AVA_APPROVAL.id}/decision`, { decision: 'approved' }],
  ['GET', '/api/audit?coworker=ava'],
  ['POST', '/api/coworkers/otto/tasks', { text: 'hello' }],
  ['GET', '/api/events'],
  ['GET', '/api/no-such-route'],
];

/** A session of Maria's started at `at`, in the console's own store. */
async function sessionAt(at: number): Promise<string> {
  return `${SESSION_COOKIE}=${(await createSessions({ documents: fixture.store.documents, now: () => at }).issue('maria', 'password')).value}`;
}

/** Every command published from now on, in order. */
async function recordCommands(): Promise<{ commands: Command[]; stop(): Promise<void> }> {
  const commands: Command[] = [];
  const subscription = await fixture.bus.subscribe(subjects.allCommands, (message) => void commands.push(message.data as Command));
  return { commands, stop: () => subscription.stop() };
}

/** Publishes a command nobody handles and waits until the recorder has it: every earlier publish has been delivered by then. */
async function barrier(recorder: { commands: Command[] }): Promise<void> {
  const id = `barrier-${Math.random()}`;
  await fixture.bus.publish(subjects.command('task', 'barrier'), { id, coworkerId: 'barrier' }, { msgId: id });
  await expect.poll(() => recorder.commands.some((command) => command.id === id)).toBe(true);
}

describe('without a valid session', () => {
  const cookies = {
    missing: undefined,
    garbage: `${SESSION_COOKIE}=nonsense`,
    tampered: () => `${maria.slice(0, -1)}${maria.endsWith('A') ? 'B' : 'A'}`,
    'of a session another store keeps': () => otherStoreCookie,
    expired: () => expiredCookie,
  };
  let otherStoreCookie: string;
  let expiredCookie: string;
  beforeAll(async () => {
    const other = createSqliteStore({ path: ':memory:' });
    otherStoreCookie = `${SESSION_COOKIE}=${(await createSessions({ documents: other.documents, now: () => T0 }).issue('maria', 'password')).value}`;
    await other.close();
    expiredCookie = await sessionAt(T0 - SESSION_LIFETIME_MS - 1);
  });

  for (const [kind, cookie] of Object.entries(cookies)) {
    it(`refuses every API route with a ${kind} cookie (401)`, async () => {
      const header = typeof cookie === 'function' ? cookie() : cookie;
      for (const [method, path, body] of PROTECTED_ROUTES) {
        const response = await api(fixture.server, path, { method, ...(header ? { cookie: header } : {}), ...(body ? { body } : {}) });
        expect({ method, path, status: response.status }).toEqual({ method, path, status: 401 });
        expect(((await response.json()) as { error: { code: string } }).error.code).toBe('NOT_SIGNED_IN');
      }
    });
  }

  it('a cookie signed correctly but expired one millisecond ago is refused, one valid one more is accepted', async () => {
    expect((await api(fixture.server, '/api/me', { cookie: await sessionAt(T0 - SESSION_LIFETIME_MS) })).status).toBe(401);
    expect((await api(fixture.server, '/api/me', { cookie: await sessionAt(T0 - SESSION_LIFETIME_MS + 1) })).status).toBe(200);
  });

  it('nothing reaches the bus from a refused request', async () => {
    const recorder = await recordCommands();
    await api(fixture.server, `/api/approvals/${AVA_APPROVAL.id}/decision`, { body: { decision: 'approved' } });
    await api(fixture.server, '/api/coworkers/otto/tasks', { body: { text: 'hello' } });
    await barrier(recorder);
    expect(recorder.commands.map((command) => command.coworkerId)).toEqual(['barrier']);
    await recorder.stop();
  });
});

describe('signed in', () => {
  it('GET /api/me answers the user, with the security headers', async () => {
    const response = await api(fixture.server, '/api/me', { cookie: maria });
    expect(await response.json()).toEqual({ user: { login: 'maria', name: 'Maria Lopez', id: 'U04MARIA01', admin: false }, teams: null });
    expect(response.headers.get('content-security-policy')).toMatch(/^default-src 'self'; script-src 'self' 'sha256-[A-Za-z0-9+/]+=*'; img-src 'self' data:; style-src 'self' 'unsafe-inline'$/);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    expect(response.headers.get('x-frame-options')).toBe('DENY');
  });

  it('an unknown API route is 404 once signed in', async () => {
    const response = await api(fixture.server, '/api/no-such-route', { cookie: maria });
    expect(response.status).toBe(404);
  });

  it('GET /api/crew groups coworkers by team, sorted, with state, waits and next runs', async () => {
    const { teams } = (await (await api(fixture.server, '/api/crew', { cookie: maria })).json()) as { teams: Array<{ id: string; coworkers: Array<Record<string, unknown>> }> };
    expect(teams.map((team) => [team.id, team.coworkers.map((coworker) => coworker.id)])).toEqual([
      ['marketing', ['ava']],
      ['sales', ['otto', 'sam']],
    ]);
    const [ava, otto, sam] = [teams[0]!.coworkers[0]!, teams[1]!.coworkers[0]!, teams[1]!.coworkers[1]!];
    expect(ava).toEqual({
      id: 'ava',
      name: 'Ava',
      role: 'Marketing analyst for paid campaigns',
      team: 'marketing',
      icon: ':robot_face:',
      manager: { name: 'Maria Lopez', id: 'U04MARIA01' },
      status: 'awaitingApproval',
      shift: 'onDuty',
      since: STATUSES.ava!.since,
      waitingFor: STATUSES.ava!.waitingFor,
      waitingOn: ['U04MARIA01'],
      backlog: 1,
      pendingApprovals: 1,
      // Mondays 08:00 in Berlin (UTC+1 in March).
      nextRun: { jobId: 'weekly-ad-report', at: Date.parse('2026-03-02T07:00:00Z') },
      attention: null,
    });
    expect(otto).toMatchObject({ status: 'notStarted', shift: null, since: null, waitingFor: null, waitingOn: [], backlog: 0, pendingApprovals: 0 });
    // Mondays 07:30 in New York (UTC-5 before the 8 March switch).
    expect(otto.nextRun).toEqual({ jobId: 'monday-briefing', at: Date.parse('2026-03-02T12:30:00Z') });
    // Blocked: waiting on the manager; only the scheduled job has a next run.
    expect(sam).toMatchObject({ status: 'blocked', shift: 'offDuty', waitingOn: ['U04DANIEL2'], nextRun: { jobId: 'dormant-deal-sweep', at: Date.parse('2026-03-02T14:30:00Z') } });
  });

  it('GET /api/coworkers/:id answers the card, active states, jobs, backlog and recent activity', async () => {
    const body = (await (await api(fixture.server, '/api/coworkers/sam', { cookie: maria })).json()) as Record<string, unknown>;
    expect(body.activeStates).toEqual(['coworker.status.blocked', 'coworker.shift.offDuty']);
    expect(body.jobs).toEqual([
      { id: 'revive-stale-deal', description: 'Follow up on one deal as soon as the CRM marks it stale.', triggers: ['crm.deal.stale'] },
      { id: 'dormant-deal-sweep', description: 'Weekday-morning sweep for deals with no activity in 21 days.', schedule: '30 9 * * 1-5', triggers: [], nextRun: Date.parse('2026-03-02T14:30:00Z') },
    ]);
    const ava = (await (await api(fixture.server, '/api/coworkers/ava', { cookie: maria })).json()) as Record<string, unknown>;
    expect(ava.backlog).toEqual([{ id: QUEUED_TASK.id, text: QUEUED_TASK.text, requestedBy: QUEUED_TASK.requestedBy, createdAt: QUEUED_TASK.createdAt }]);
    expect((ava.coworker as { id: string }).id).toBe('ava');
    const unknown = await api(fixture.server, '/api/coworkers/nobody', { cookie: maria });
    expect(unknown.status).toBe(404);
  });

  it('GET /api/statechart draws the machine once, each state a group the page can highlight', async () => {
    const body = (await (await api(fixture.server, '/api/statechart', { cookie: maria })).json()) as { svg: string; states: Array<{ id: string; label: string }>; transitions: Array<{ source: string; target: string; event: string }> };
    const ids = body.states.map((state) => state.id);
    for (const id of ['coworker.status.idle', 'coworker.status.working', 'coworker.status.awaitingApproval', 'coworker.status.blocked', 'coworker.shift.onDuty', 'coworker.shift.offDuty']) {
      expect(ids).toContain(id);
      expect(body.svg).toContain(`data-state-id="${id}"`);
    }
    expect(body.svg.startsWith('<svg')).toBe(true);
    expect(body.transitions).toContainEqual({ source: 'coworker.shift.onDuty', target: 'coworker.shift.offDuty', event: 'shift.end' });
  });

  it('GET /api/approvals shows whether the signed-in user can decide', async () => {
    const forMaria = (await (await api(fixture.server, '/api/approvals', { cookie: maria })).json()) as { approvals: Array<Record<string, unknown>> };
    const shown = { consequential: [{ name: 'to', value: 'agency@example.com' }], mail: { subject: 'Weekly ads' }, rest: {} };
    expect(forMaria.approvals).toEqual([{ ...AVA_APPROVAL, coworkerId: 'ava', shown, canDecide: true }]);
    const forZoe = (await (await api(fixture.server, '/api/approvals', { cookie: zoe })).json()) as { approvals: Array<Record<string, unknown>> };
    expect(forZoe.approvals.map((approval) => approval.canDecide)).toEqual([false]);
  });

  it('a POST that is not JSON is refused (415), a bad body is 400, and neither reaches the bus', async () => {
    const recorder = await recordCommands();
    const form = await fetch(new URL('/api/coworkers/otto/tasks', fixture.server.url), {
      method: 'POST',
      headers: { cookie: maria, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'text=hello',
    });
    expect(form.status).toBe(415);
    const empty = await api(fixture.server, '/api/coworkers/otto/tasks', { cookie: maria, body: { text: '  ' } });
    expect(empty.status).toBe(400);
    const editedWithoutArgs = await api(fixture.server, `/api/approvals/${AVA_APPROVAL.id}/decision`, { cookie: maria, body: { decision: 'edited' } });
    expect(editedWithoutArgs.status).toBe(400);
    const tooLarge = await api(fixture.server, '/api/coworkers/otto/tasks', { cookie: maria, body: { text: 'x'.repeat(70 * 1024) } });
    expect(tooLarge.status).toBe(413);
    const otherSite = await api(fixture.server, '/api/coworkers/otto/tasks', { cookie: maria, body: { text: 'hello' }, headers: { origin: 'https://evil.example' } });
    expect(otherSite.status).toBe(403);
    await barrier(recorder);
    expect(recorder.commands.map((command) => command.coworkerId)).toEqual(['barrier']);
    await recorder.stop();
  });

  it('POST /api/coworkers/:id/tasks queues a task requested by the user', async () => {
    const recorder = await recordCommands();
    const response = await api(fixture.server, '/api/coworkers/otto/tasks', { cookie: maria, body: { text: 'List my meetings today' } });
    expect(response.status).toBe(201);
    const { id } = (await response.json()) as { id: string };
    await expect.poll(() => recorder.commands.length).toBe(1);
    expect(recorder.commands[0]).toMatchObject({ type: 'task.assign', id, coworkerId: 'otto', task: { id, text: 'List my meetings today', source: 'person', requestedBy: MARIA.slack } });
    expect((await api(fixture.server, '/api/coworkers/nobody/tasks', { cookie: maria, body: { text: 'hi' } })).status).toBe(404);
    await recorder.stop();
  });

  it('GET /api/audit filters by job, run, kind and time', async () => {
    const entry = (id: string, at: number, kind: 'run.started' | 'tool.executed' | 'approval.decided', runId: string, jobId?: string) => ({
      id,
      coworkerId: 'ava',
      at,
      kind,
      by: 'ava',
      runId,
      ...(jobId ? { jobId } : {}),
      summary: `${kind} ${id}`,
    });
    await fixture.store.appendAudit([
      entry('a1', T0 - 3_000, 'run.started', 'run-1', 'weekly-ad-report'),
      entry('a2', T0 - 2_000, 'tool.executed', 'run-1', 'weekly-ad-report'),
      entry('a3', T0 - 1_000, 'run.started', 'run-2'),
      entry('a4', T0, 'approval.decided', 'run-2'),
    ]);
    const ids = async (query: string) => {
      const response = await api(fixture.server, `/api/audit?coworker=ava${query}`, { cookie: maria });
      expect(response.status).toBe(200);
      return ((await response.json()) as { entries: Array<{ id: string }> }).entries.map((found) => found.id);
    };
    expect(await ids('')).toEqual(['a1', 'a2', 'a3', 'a4']);
    expect(await ids('&job=weekly-ad-report')).toEqual(['a1', 'a2']);
    expect(await ids('&run=run-2')).toEqual(['a3', 'a4']);
    expect(await ids('&kind=run.started')).toEqual(['a1', 'a3']);
    expect(await ids('&kind=run.started&limit=1')).toEqual(['a3']);
    expect(await ids(`&since=${T0 - 2_000}&until=${T0}`)).toEqual(['a2', 'a3']);
    expect(await ids(`&since=${new Date(T0 - 1_000).toISOString()}`)).toEqual(['a3', 'a4']);
    expect(await ids('&limit=2')).toEqual(['a3', 'a4']);
    for (const bad of ['', '?coworker=ava&kind=nonsense', '?coworker=ava&since=yesterday', '?coworker=ava&limit=0']) {
      expect((await api(fixture.server, `/api/audit${bad}`, { cookie: maria })).status).toBe(400);
    }
    expect((await api(fixture.server, '/api/audit?coworker=nobody', { cookie: maria })).status).toBe(404);
  });

  it('GET /api/events streams the events published on the bus, once each, and the coworker page keeps them', async () => {
    const response = await api(fixture.server, '/api/events', { cookie: maria, headers: { accept: 'text/event-stream' } });
    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
    const base = { v: PROTOCOL_VERSION, coworkerId: 'otto' } as const;
    const status = { state: { status: 'working', shift: 'onDuty' }, since: T0, backlog: 0, currentTaskId: 'task-9' } as const;
    const approval = { ...AVA_APPROVAL, id: 'approval-9', approvers: [DANIEL.slack] };
    const events: CoworkerEvent[] = [
      { ...base, id: 'evt-1', at: T0, type: 'state.changed', status, previous: { status: 'idle', shift: 'onDuty' } },
      { ...base, id: 'evt-2', at: T0 + 1, type: 'approval.requested', approval },
      { ...base, id: 'evt-3', at: T0 + 2, type: 'approval.decided', approvalId: 'approval-9', taskId: 'task-9', outcome: 'approved', by: DANIEL.slack },
      { ...base, id: 'evt-4', at: T0 + 3, type: 'audit', entry: { kind: 'tool.executed', by: 'otto', tool: 'slack.post', summary: 'posted' } },
      { ...base, id: 'evt-5', at: T0 + 4, type: 'message', to: { kind: 'user', id: MARIA.slack }, text: 'On it.', taskId: 'task-9' },
    ];
    // Published twice, as a restore would republish: streamed and kept once.
    for (const event of [...events, ...events]) await fixture.bus.publish(subjects.event(event.coworkerId, event.type), event, { msgId: `${event.id}-${Math.random()}` });

    let received = '';
    while (!received.includes('event: message')) received += (await reader.read()).value ?? '';
    await reader.cancel();
    const frame = (name: string, data: unknown) => `event: ${name}\ndata: ${JSON.stringify(data)}`;
    expect(received.split('\n\n').filter((text) => text.startsWith('event:'))).toEqual([
      frame('state', { coworkerId: 'otto', status, at: T0 }),
      frame('approval', { coworkerId: 'otto', approval: { ...approval, shown: { consequential: [{ name: 'to', value: 'agency@example.com' }], mail: { subject: 'Weekly ads' }, rest: {} } } }),
      frame('approval', { coworkerId: 'otto', decided: { approvalId: 'approval-9', outcome: 'approved', by: DANIEL.slack } }),
      frame('audit', { coworkerId: 'otto', entry: { id: 'evt-4', coworkerId: 'otto', at: T0 + 3, kind: 'tool.executed', by: 'otto', tool: 'slack.post', summary: 'posted' } }),
      frame('message', { coworkerId: 'otto', at: T0 + 4, to: { kind: 'user', id: MARIA.slack }, text: 'On it.', taskId: 'task-9' }),
    ]);
    const page = (await (await api(fixture.server, '/api/coworkers/otto', { cookie: maria })).json()) as Record<string, unknown>;
    expect(page.transitions).toEqual([{ at: T0, from: 'idle', to: 'working' }]);
    expect(page.messages).toEqual([{ at: T0 + 4, to: { kind: 'user', id: MARIA.slack }, text: 'On it.', taskId: 'task-9' }]);
  });

  it('DELETE /api/session clears the cookie', async () => {
    const response = await api(fixture.server, '/api/session', { method: 'DELETE', cookie: await signIn(fixture.server, DANIEL) });
    expect(response.status).toBe(204);
    expect(response.headers.get('set-cookie')).toBe(`${SESSION_COOKIE}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0`);
  });
});

describe('lifecycle', () => {
  it('says which address it cannot listen on', async () => {
    const taken = startConsoleServer({ bus: fixture.bus, store: fixture.store, users: [], port: fixture.server.port, logger: pino({ level: 'silent' }), signer: ephemeralSigner() });
    await expect(taken).rejects.toMatchObject({ code: 'CONFIG_INVALID', message: expect.stringContaining(`127.0.0.1:${fixture.server.port}`) });
  });

  it('close() ends the open event streams', async () => {
    const own = await startConsoleFixture();
    const response = await api(own.server, '/api/events', { cookie: await signIn(own.server, MARIA) });
    const reader = response.body!.getReader();
    expect((await reader.read()).done).toBe(false); // the stream's opening comment
    await own.close();
    let done = false;
    while (!done) done = (await reader.read()).done;
    expect(done).toBe(true);
  });
});

describe('what the page shows of an approval', () => {
  let own: ConsoleFixture;
  beforeAll(async () => {
    own = await startConsoleFixture();
  });
  afterAll(() => own.close());

  // The mail of issue 14, and a payment: every consequential argument first and whole, the rest whole too.
  it('GET /api/approvals gives each call its consequential arguments first, and the whole call, nothing cut', async () => {
    const to = ['ceo@acme.com', 'cfo@acme.com', 'board@acme.com'];
    const subject = `Q3 numbers ${'and the plan for Q4, '.repeat(16)}`;
    const body = 'Dear all,\n'.repeat(2000);
    const mail = { ...AVA_APPROVAL, id: 'approval-mail', args: { body, to, subject, cc: 'attacker@evil.example' }, consequential: ['to', 'cc'] };
    const older = { ...mail, id: 'approval-older', consequential: undefined }; // asked by a runtime that did not say
    const payment = {
      ...AVA_APPROVAL,
      id: 'approval-payment',
      tool: 'bank.transfer',
      args: { memo: 'm'.repeat(10_000), payee: 'Acme GmbH', account: 'DE89 3704 0044 0532 0130 00', amount: 12_500, currency: 'EUR' },
      consequential: ['payee', 'amount', 'currency', 'account'],
    };
    await own.store.saveSnapshot('ava', 1, { machine: { context: { backlog: [] } }, outbox: [] }, { ...STATUSES.ava!, approvals: [mail, older, payment] });
    const cookie = await signIn(own.server, MARIA);
    const { approvals } = (await (await api(own.server, '/api/approvals', { cookie })).json()) as { approvals: Array<{ id: string; shown: unknown }> };
    const mailShown = { consequential: [{ name: 'to', value: to.join(', ') }, { name: 'cc', value: 'attacker@evil.example' }], mail: { subject, body }, rest: {} };
    expect(approvals.map(({ id, shown }) => [id, shown])).toEqual([
      ['approval-mail', mailShown],
      ['approval-older', mailShown],
      [
        'approval-payment',
        {
          consequential: [
            { name: 'payee', value: 'Acme GmbH' },
            { name: 'amount', value: '12500' },
            { name: 'currency', value: 'EUR' },
            { name: 'account', value: 'DE89 3704 0044 0532 0130 00' },
          ],
          rest: { memo: 'm'.repeat(10_000) },
        },
      ],
    ]);
  });
});

describe('deciding approvals', () => {
  it("a non-approver's decision is 403 and nothing reaches the bus", async () => {
    const recorder = await recordCommands();
    const response = await api(fixture.server, `/api/approvals/${AVA_APPROVAL.id}/decision`, { cookie: zoe, body: { decision: 'approved' } });
    expect(response.status).toBe(403);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('NOT_AN_APPROVER');
    await barrier(recorder);
    expect(recorder.commands.map((command) => command.coworkerId)).toEqual(['barrier']);
    await recorder.stop();
  });

  it("an approver's decision goes to the coworker as approval.decide by her Slack id; a repeat is 409", async () => {
    // A stand-in for ava: applies the decision to its status and says so, as the real host does.
    const received: Command[] = [];
    const stub = await fixture.bus.subscribe(subjects.command('decision', 'ava'), (message) => {
      const command = message.data as Command;
      received.push(command);
      if (command.type !== 'approval.decide') return;
      void (async () => {
        const record = (await fixture.store.getCoworker('ava'))!;
        await fixture.store.saveSnapshot('ava', record.version, record.snapshot, { state: { status: 'working', shift: 'onDuty' }, since: T0, backlog: 1 });
        const decided: CoworkerEvent = { v: PROTOCOL_VERSION, id: `decided-${command.id}`, coworkerId: 'ava', at: T0, type: 'approval.decided', approvalId: command.approvalId, taskId: 'task-1', outcome: command.decision, by: command.by };
        await fixture.bus.publish(subjects.event('ava', 'approval.decided'), decided, { msgId: decided.id });
      })();
    });

    const response = await api(fixture.server, `/api/approvals/${AVA_APPROVAL.id}/decision`, { cookie: maria, body: { decision: 'rejected', reason: 'Not this week' } });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'applied', coworkerId: 'ava', outcome: 'rejected' });
    expect(received).toEqual([expect.objectContaining({ type: 'approval.decide', approvalId: AVA_APPROVAL.id, decision: 'rejected', reason: 'Not this week', by: MARIA.slack })]);
    // Signed by the console that signed Maria in: the runtime takes it as a gateway's word.
    expect(received[0]!.type === 'approval.decide' && received[0]!.signature?.key).toBe(fixture.signer.publicKey);
    expect(hasValidSignature(received[0]!, [fixture.signer.publicKey])).toBe(true);

    const repeat = await api(fixture.server, `/api/approvals/${AVA_APPROVAL.id}/decision`, { cookie: maria, body: { decision: 'approved' } });
    expect(repeat.status).toBe(409);
    expect(((await repeat.json()) as { error: { code: string } }).error.code).toBe('APPROVAL_NOT_FOUND');
    // Who decides is the session's person, never the request's: a body naming someone is refused.
    const naming = await api(fixture.server, `/api/approvals/${AVA_APPROVAL.id}/decision`, { cookie: maria, body: { decision: 'approved', by: DANIEL.slack } });
    expect(naming.status).toBe(400);
    expect(received).toHaveLength(1);
    await stub.stop();
  });
});
