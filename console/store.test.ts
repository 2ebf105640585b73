// The console's store transitions and escaping, without a browser: live events update exactly
// what they should (and keep every other object as it was, which the views rely on).
import { beforeEach, describe, expect, it } from 'vitest';
import { html, span } from './format.js';
import { store } from './store.js';

const maria = { login: 'maria', name: 'Maria Lopez', id: 'U04MARIA01' };

function card(id: string, extra: Record<string, unknown> = {}) {
  return {
    id, name: id, role: 'role', team: 'marketing', manager: { name: 'Maria Lopez', id: 'U04MARIA01' },
    status: 'idle', shift: 'onDuty', since: 1_000, waitingFor: null, waitingOn: [], backlog: 0, pendingApprovals: 0, nextRun: null, ...extra,
  };
}

const approval = (id: string, approvers: string[]) => ({
  id, toolCallId: `tc-${id}`, tool: 'email.send', args: { to: ['a@example.com'] }, risk: 'external', reason: 'gated', summary: 's',
  argsHash: 'h', policyVersion: 'p', taskId: 't', approvers, requestedAt: 1, deadline: null,
});

const context = () => store.getSnapshot().context;

beforeEach(() => {
  store.trigger.sessionStarted({ user: maria });
  store.trigger.crewLoaded({ teams: [{ id: 'marketing', coworkers: [card('ava'), card('mia')] }] });
});

describe('state events', () => {
  it('update the coworker card from its status record and leave the other cards untouched', () => {
    const mia = context().crew.teams[0].coworkers[1];
    const status = { state: { status: 'awaitingApproval', shift: 'onDuty' }, since: 5_000, backlog: 2, waitingFor: 'approval of email.send', approvals: [approval('ap-1', ['U04MARIA01', 'U0BOSS'])] };
    store.trigger.stateReceived({ coworkerId: 'ava', status, at: 5_000 });

    const [ava, miaAfter] = context().crew.teams[0].coworkers;
    expect(ava).toMatchObject({ status: 'awaitingApproval', since: 5_000, backlog: 2, waitingFor: 'approval of email.send', waitingOn: ['U04MARIA01', 'U0BOSS'], pendingApprovals: 1 });
    expect(miaAfter).toBe(mia);
  });

  it('say a blocked coworker waits on its manager', () => {
    store.trigger.stateReceived({ coworkerId: 'ava', status: { state: { status: 'blocked', shift: 'onDuty' }, since: 2, backlog: 0, waitingFor: 'an answer' }, at: 2 });
    expect(context().crew.teams[0].coworkers[0].waitingOn).toEqual(['U04MARIA01']);
  });

  it('move the open coworker page: active states and one transition per region that moved, newest first', () => {
    store.trigger.coworkerRequested({ id: 'ava' });
    store.trigger.coworkerLoaded({
      detail: { coworker: card('ava'), activeStates: ['coworker.status.idle', 'coworker.shift.onDuty'], jobs: [], transitions: [{ at: 1, from: null, to: 'idle' }], messages: [] },
    });
    store.trigger.stateReceived({ coworkerId: 'ava', status: { state: { status: 'working', shift: 'offDuty' }, since: 9, backlog: 1 }, at: 9 });

    const { detail } = context().coworker;
    expect(detail.activeStates).toEqual(['coworker.status.working', 'coworker.shift.offDuty']);
    expect(detail.transitions).toEqual([
      { at: 9, from: 'onDuty', to: 'offDuty' },
      { at: 9, from: 'idle', to: 'working' },
      { at: 1, from: null, to: 'idle' },
    ]);
  });

  it('keep a change that arrives while the page loads, and apply it over an older page', () => {
    store.trigger.coworkerRequested({ id: 'mia' });
    store.trigger.stateReceived({ coworkerId: 'mia', status: { state: { status: 'awaitingApproval', shift: 'onDuty' }, since: 7_000, backlog: 0 }, at: 7_000 });
    // The page was read before that change: it still says working.
    store.trigger.coworkerLoaded({ detail: { coworker: card('mia', { status: 'working', since: 6_000 }), activeStates: [], jobs: [], transitions: [], messages: [] } });

    const { detail } = context().coworker;
    expect(detail.coworker).toMatchObject({ status: 'awaitingApproval', since: 7_000 });
    expect(detail.activeStates).toEqual(['coworker.status.awaitingApproval', 'coworker.shift.onDuty']);
    expect(context().coworker.early).toBeUndefined();
  });

  it('add no transition when only the backlog changed', () => {
    store.trigger.coworkerRequested({ id: 'ava' });
    store.trigger.coworkerLoaded({ detail: { coworker: card('ava'), activeStates: [], jobs: [], transitions: [], messages: [] } });
    store.trigger.stateReceived({ coworkerId: 'ava', status: { state: { status: 'idle', shift: 'onDuty' }, since: 1_000, backlog: 4 }, at: 3 });
    expect(context().coworker.detail.transitions).toEqual([]);
    expect(context().coworker.detail.coworker.backlog).toBe(4);
  });
});

describe('the coworker page', () => {
  it('ignores a detail that arrives after the page moved on to another coworker', () => {
    store.trigger.coworkerRequested({ id: 'ava' });
    store.trigger.coworkerRequested({ id: 'mia' });
    store.trigger.coworkerLoaded({ detail: { coworker: card('ava'), activeStates: [], jobs: [], transitions: [], messages: [] } });
    expect(context().coworker).toMatchObject({ id: 'mia', detail: null });
  });

  it('keeps a task being sent when the detail arrives, in time order with the replies', () => {
    store.trigger.coworkerRequested({ id: 'ava' });
    store.trigger.chatSending({ coworkerId: 'ava', localId: 'l1', text: 'do it', at: 50 });
    store.trigger.coworkerLoaded({
      detail: { coworker: card('ava'), activeStates: [], jobs: [], transitions: [], messages: [{ at: 10, to: { kind: 'manager', id: 'U04MARIA01' }, text: 'earlier' }] },
    });
    store.trigger.messageReceived({ coworkerId: 'ava', at: 60, to: { kind: 'user', id: 'U04MARIA01' }, text: 'done', taskId: 'task-1' });
    store.trigger.messageReceived({ coworkerId: 'mia', at: 61, to: { kind: 'user', id: 'U04MARIA01' }, text: 'not for this page' });

    expect(context().chat.items.map((item: { kind: string; text: string }) => [item.kind, item.text])).toEqual([['reply', 'earlier'], ['task', 'do it'], ['reply', 'done']]);
  });
});

describe('approval events', () => {
  it('add a requested approval once, decidable only by its approvers, and drop it when decided', () => {
    store.trigger.approvalsLoaded({ approvals: [] });
    store.trigger.approvalReceived({ coworkerId: 'ava', approval: approval('ap-1', ['U04MARIA01']) });
    store.trigger.approvalReceived({ coworkerId: 'ava', approval: approval('ap-1', ['U04MARIA01']) });
    store.trigger.approvalReceived({ coworkerId: 'mia', approval: approval('ap-2', ['U0SOMEONE']) });
    expect(context().approvals.list.map((item: { id: string; coworkerId: string; canDecide: boolean }) => [item.id, item.coworkerId, item.canDecide])).toEqual([
      ['ap-1', 'ava', true],
      ['ap-2', 'mia', false],
    ]);

    store.trigger.decisionStarted({ approvalId: 'ap-1' });
    store.trigger.approvalReceived({ coworkerId: 'ava', decided: { approvalId: 'ap-1', outcome: 'approved', by: 'U04MARIA01' } });
    expect(context().approvals.list.map((item: { id: string }) => item.id)).toEqual(['ap-2']);
    expect(context().decisions).toEqual({});
  });

  it('keep what the person typed when a decision fails', () => {
    store.trigger.decisionModeChanged({ approvalId: 'ap-1', mode: 'edit' });
    store.trigger.decisionStarted({ approvalId: 'ap-1', draft: '{"to": []}' });
    store.trigger.decisionFailed({ approvalId: 'ap-1', error: { status: 409, message: 'already decided' }, draft: '{"to": []}' });
    expect(context().decisions['ap-1']).toMatchObject({ mode: 'edit', busy: false, draft: '{"to": []}', error: { status: 409 } });
  });
});

describe('audit events', () => {
  beforeEach(() => {
    store.trigger.auditFiltersChanged({ filters: { coworker: 'ava', kind: 'tool.executed' } });
    store.trigger.auditRequested({ requestId: 1 });
    store.trigger.auditLoaded({ requestId: 1, entries: [{ id: 'e1', coworkerId: 'ava', at: 1, kind: 'tool.executed', by: 'ava', summary: 'first' }] });
  });

  it('put a matching entry on top once, and only note the kind of one that does not match', () => {
    const entry = { id: 'e2', coworkerId: 'ava', at: 2, kind: 'tool.executed', by: 'ava', summary: 'second' };
    store.trigger.auditReceived({ coworkerId: 'ava', entry });
    store.trigger.auditReceived({ coworkerId: 'ava', entry });
    store.trigger.auditReceived({ coworkerId: 'ava', entry: { id: 'e3', at: 3, kind: 'run.started', by: 'ava', summary: 'other kind' } });
    store.trigger.auditReceived({ coworkerId: 'mia', entry: { id: 'e4', at: 4, kind: 'tool.executed', by: 'mia', summary: 'other coworker' } });

    expect(context().audit.entries.map((item: { id: string }) => item.id)).toEqual(['e2', 'e1']);
    expect(context().audit.kindsSeen).toEqual(['run.started', 'tool.executed']);
  });

  it('ignore the answer to a request that a newer one replaced', () => {
    store.trigger.auditRequested({ requestId: 2 });
    store.trigger.auditLoaded({ requestId: 1, entries: [] });
    expect(context().audit).toMatchObject({ loading: true, entries: [{ id: 'e1' }] });
  });
});

describe('signing out', () => {
  it('forgets everything that was shown', () => {
    store.trigger.approvalsLoaded({ approvals: [approval('ap-1', ['U04MARIA01'])] });
    store.trigger.sessionEnded({});
    expect(context()).toMatchObject({ session: 'signedOut', user: null, crew: { teams: null }, approvals: { list: null } });
  });
});

describe('html``', () => {
  it('escapes every value, in lists too, and nests its own markup as is', () => {
    const name = '<img src=x onerror=alert(1)> & "quotes"';
    const markup = html`<p title="${name}">${name}${[name]}${html`<b>${'<i>'}</b>`}</p>`;
    expect(String(markup)).toBe(
      '<p title="&lt;img src=x onerror=alert(1)&gt; &amp; &quot;quotes&quot;">' +
        '&lt;img src=x onerror=alert(1)&gt; &amp; &quot;quotes&quot;'.repeat(2) +
        '<b>&lt;i&gt;</b></p>',
    );
  });

  it('writes spans of time in few words', () => {
    expect([span(45_000), span(3 * 60_000), span(125 * 60_000), span(27 * 3_600_000)]).toEqual(['45 s', '3 min', '2 h 5 min', '1 d 3 h']);
  });
});

describe('assignments', () => {
  it('track the last one sent from a page: busy, then its answer or its error', () => {
    store.trigger.assignStarted({ coworkerId: 'ava' });
    expect(context().assign).toEqual({ coworkerId: 'ava', busy: true, message: null, error: null });
    store.trigger.assignAnswered({ coworkerId: 'ava', message: 'ava is now on team Sales' });
    expect(context().assign).toEqual({ coworkerId: 'ava', busy: false, message: 'ava is now on team Sales', error: null });
    store.trigger.assignStarted({ coworkerId: 'ava' });
    store.trigger.assignFailed({ coworkerId: 'ava', error: { message: 'not allowed' } });
    expect(context().assign).toEqual({ coworkerId: 'ava', busy: false, message: null, error: { message: 'not allowed' } });
  });
});
