// The console's one client-side store (@xstate/store): everything the views show lives here, and
// fetch results and server-sent events come in as store events. Transitions are pure; the fetching
// is in actions.js and live.js.
import { createStore } from '@xstate/store';

const TRANSITIONS_KEPT = 50;
const MESSAGES_KEPT = 200;
const AUDIT_KEPT = 2_000;

export const emptyAuditFilters = { coworker: '', job: '', run: '', kind: '', since: '', until: '' };

function initialContext() {
  return {
    /** 'unknown' until /api/me answered, then 'signedIn' or 'signedOut'. */
    session: 'unknown',
    user: null,
    signingIn: false,
    signInError: null,
    route: { view: 'crew' },
    /** The event stream: 'connecting' | 'open' | 'closed'. */
    live: 'closed',
    /** A page-level error: { message, hint }. */
    notice: null,
    crew: { teams: null, people: {}, error: null },
    crewFilter: { text: '', statuses: [] },
    coworker: { id: null, detail: null, error: null },
    /** The last assignment sent from a coworker's page: { coworkerId, busy, message, error }. */
    assign: { coworkerId: null, busy: false, message: null, error: null },
    statechart: { chart: null, error: null },
    chat: { coworkerId: null, items: [] },
    approvals: { list: null, error: null },
    /** Per approval id: { mode: null|'approve'|'reject'|'edit', busy, error, outcome, draft }. */
    decisions: {},
    audit: { filters: emptyAuditFilters, requestId: 0, entries: null, loading: false, error: null, kindsSeen: [] },
  };
}

// ---- pure helpers ----

const unique = (values) => [...new Set(values)];

/** A crew card after a `state` event: the server sends the coworker's status record. */
function cardWithStatus(card, status, at) {
  if (typeof status === 'string') return { ...card, status, since: at };
  const approvals = status.approvals ?? [];
  const name = status.state.status;
  const waitingOn = name === 'blocked' ? [card.manager.id] : unique(approvals.flatMap((approval) => approval.approvers));
  return {
    ...card,
    status: name,
    shift: status.state.shift,
    since: status.since ?? at,
    waitingFor: status.waitingFor ?? null,
    waitingOn,
    backlog: status.backlog ?? card.backlog,
    pendingApprovals: approvals.length,
    attention: status.attention ?? null,
  };
}

function mapCard(teams, coworkerId, update) {
  if (!teams) return teams;
  let changed = false;
  const next = teams.map((team) => {
    const index = team.coworkers.findIndex((card) => card.id === coworkerId);
    if (index < 0) return team;
    changed = true;
    const coworkers = team.coworkers.slice();
    coworkers[index] = update(coworkers[index]);
    return { ...team, coworkers };
  });
  return changed ? next : teams;
}

/** A live state change: the crew's card, and the open coworker's page when it is this one. */
function stateReceived(context, event) {
  const teams = mapCard(context.crew.teams, event.coworkerId, (card) => cardWithStatus(card, event.status, event.at));
  const crew = teams === context.crew.teams ? context.crew : { ...context.crew, teams };
  const detail = context.coworker.detail;
  if (!detail && context.coworker.id === event.coworkerId) {
    // The page is still loading: keep the change, applied once the (possibly older) page arrives.
    return { ...context, crew, coworker: { ...context.coworker, early: [...(context.coworker.early ?? []), event] } };
  }
  if (!detail || detail.coworker.id !== event.coworkerId) return { ...context, crew };

  const before = detail.coworker;
  const card = cardWithStatus(before, event.status, event.at);
  // One entry per region that moved, newest first, as the server's ring buffer keeps them.
  const moved = [];
  if (before.shift !== card.shift) moved.push({ at: event.at, from: before.shift, to: card.shift });
  if (before.status !== card.status) moved.push({ at: event.at, from: before.status, to: card.status });
  return {
    ...context,
    crew,
    coworker: {
      ...context.coworker,
      detail: {
        ...detail,
        coworker: card,
        activeStates: activeStatesFor(detail.activeStates ?? [], card),
        transitions: moved.length ? [...moved, ...detail.transitions].slice(0, TRANSITIONS_KEPT) : detail.transitions,
      },
    },
  };
}

const ACTIVE_LEAF = /^coworker\.(status|shift)\./;

function activeStatesFor(previous, card) {
  const kept = previous.filter((id) => !ACTIVE_LEAF.test(id));
  return [...kept, `coworker.status.${card.status}`, ...(card.shift ? [`coworker.shift.${card.shift}`] : [])];
}

function withApproval(list, approval, user) {
  if (!list || list.some((item) => item.id === approval.id)) return list;
  const canDecide = approval.canDecide ?? approval.approvers.includes(user?.id);
  return [...list, { ...approval, canDecide }];
}

function auditEntryMatches(filters, coworkerId, entry) {
  if (filters.coworker !== coworkerId) return false;
  if (filters.kind && entry.kind !== filters.kind) return false;
  if (filters.job && entry.jobId !== filters.job) return false;
  if (filters.run && entry.runId !== filters.run) return false;
  if (filters.since && entry.at < new Date(filters.since).getTime()) return false;
  return !filters.until || entry.at < new Date(filters.until).getTime();
}

const addKinds = (seen, entries) => {
  const kinds = unique([...seen, ...entries.map((entry) => entry.kind)]).sort();
  return kinds.length === seen.length ? seen : kinds;
};

const setDecision = (context, approvalId, patch) => ({
  ...context,
  decisions: { ...context.decisions, [approvalId]: { mode: null, busy: false, error: null, outcome: null, ...context.decisions[approvalId], ...patch } },
});

const withoutKey = (object, key) => {
  if (!(key in object)) return object;
  const { [key]: _removed, ...rest } = object;
  return rest;
};

// ---- the store ----

export const store = createStore({
  context: initialContext(),
  on: {
    // session
    signInStarted: (context) => ({ ...context, signingIn: true, signInError: null }),
    signInFailed: (context, event) => ({ ...context, signingIn: false, signInError: event.error }),
    sessionStarted: (context, event) => ({ ...initialContext(), session: 'signedIn', user: event.user, route: context.route }),
    /** Signed out, or the server said 401: forget everything that was shown. */
    sessionEnded: (context, event) => ({ ...initialContext(), session: 'signedOut', route: context.route, signInError: event.error ?? null }),

    routeChanged: (context, event) => ({ ...context, route: event.route }),
    liveChanged: (context, event) => (context.live === event.live ? context : { ...context, live: event.live }),
    noticeShown: (context, event) => ({ ...context, notice: event.error }),
    noticeDismissed: (context) => ({ ...context, notice: null }),

    // crew
    crewLoaded: (context, event) => ({ ...context, crew: { teams: event.teams, people: event.people ?? {}, error: null } }),
    crewFailed: (context, event) => ({ ...context, crew: { ...context.crew, error: event.error } }),
    crewFilterChanged: (context, event) => ({ ...context, crewFilter: { ...context.crewFilter, ...event.filter } }),

    // one coworker
    coworkerRequested: (context, event) =>
      context.coworker.id === event.id
        ? context
        : { ...context, coworker: { id: event.id, detail: null, error: null }, chat: { coworkerId: event.id, items: [] } },
    coworkerLoaded: (context, event) => {
      if (context.coworker.id !== event.detail.coworker.id) return context;
      const replies = (event.detail.messages ?? []).map((message) => ({ kind: 'reply', ...message }));
      const ownTasks = context.chat.coworkerId === event.detail.coworker.id ? context.chat.items.filter((item) => item.kind === 'task') : [];
      const items = [...replies, ...ownTasks].sort((a, b) => a.at - b.at);
      const loaded = { ...context, coworker: { id: context.coworker.id, detail: event.detail, error: null }, chat: { coworkerId: event.detail.coworker.id, items } };
      // Changes that arrived while the page loaded and are newer than what it shows.
      const newer = (context.coworker.early ?? []).filter((change) => change.at > (event.detail.coworker.since ?? 0));
      return newer.reduce(stateReceived, loaded);
    },
    coworkerFailed: (context, event) =>
      context.coworker.id === event.id ? { ...context, coworker: { ...context.coworker, error: event.error } } : context,
    statechartLoaded: (context, event) => ({ ...context, statechart: { chart: event.chart, error: null } }),
    statechartFailed: (context, event) => ({ ...context, statechart: { ...context.statechart, error: event.error } }),

    // assignment
    assignStarted: (context, event) => ({ ...context, assign: { coworkerId: event.coworkerId, busy: true, message: null, error: null } }),
    assignAnswered: (context, event) => ({ ...context, assign: { coworkerId: event.coworkerId, busy: false, message: event.message, error: null } }),
    assignFailed: (context, event) => ({ ...context, assign: { coworkerId: event.coworkerId, busy: false, message: null, error: event.error } }),

    // chat
    chatSending: (context, event) =>
      context.chat.coworkerId !== event.coworkerId
        ? context
        : { ...context, chat: { ...context.chat, items: [...context.chat.items, { kind: 'task', localId: event.localId, at: event.at, text: event.text, state: 'sending' }] } },
    chatSent: (context, event) => ({
      ...context,
      chat: { ...context.chat, items: context.chat.items.map((item) => (item.localId === event.localId ? { ...item, state: 'sent', taskId: event.taskId } : item)) },
    }),
    chatFailed: (context, event) => ({
      ...context,
      chat: { ...context.chat, items: context.chat.items.map((item) => (item.localId === event.localId ? { ...item, state: 'failed', error: event.error } : item)) },
    }),

    // approvals
    approvalsLoaded: (context, event) => ({ ...context, approvals: { list: event.approvals, error: null } }),
    approvalsFailed: (context, event) => ({ ...context, approvals: { ...context.approvals, error: event.error } }),
    decisionModeChanged: (context, event) => setDecision(context, event.approvalId, { mode: event.mode, error: null, draft: undefined }),
    /** draft: what the person typed (a reason, edited arguments), kept if the decision fails. */
    decisionStarted: (context, event) => setDecision(context, event.approvalId, { busy: true, error: null, draft: event.draft }),
    decisionAnswered: (context, event) => setDecision(context, event.approvalId, { busy: false, mode: null, outcome: event.result }),
    decisionFailed: (context, event) =>
      setDecision(context, event.approvalId, { busy: false, error: event.error, ...(event.draft === undefined ? {} : { draft: event.draft }) }),

    // audit
    auditFiltersChanged: (context, event) => ({ ...context, audit: { ...context.audit, filters: { ...context.audit.filters, ...event.filters } } }),
    auditRequested: (context, event) => ({ ...context, audit: { ...context.audit, requestId: event.requestId, loading: true, error: null } }),
    auditLoaded: (context, event) => {
      if (event.requestId !== context.audit.requestId) return context;
      const entries = event.entries.slice().reverse(); // the server answers oldest first; people read newest first
      return { ...context, audit: { ...context.audit, entries, loading: false, kindsSeen: addKinds(context.audit.kindsSeen, entries) } };
    },
    auditFailed: (context, event) =>
      event.requestId !== context.audit.requestId ? context : { ...context, audit: { ...context.audit, loading: false, error: event.error } },

    // server-sent events
    stateReceived: (context, event) => stateReceived(context, event),
    approvalReceived: (context, event) => {
      if (event.approval) {
        const list = withApproval(context.approvals.list, { ...event.approval, coworkerId: event.coworkerId }, context.user);
        return list === context.approvals.list ? context : { ...context, approvals: { ...context.approvals, list } };
      }
      if (!event.decided || !context.approvals.list) return context;
      const { approvalId } = event.decided;
      return {
        ...context,
        approvals: { ...context.approvals, list: context.approvals.list.filter((approval) => approval.id !== approvalId) },
        decisions: withoutKey(context.decisions, approvalId),
      };
    },
    messageReceived: (context, event) => {
      if (context.chat.coworkerId !== event.coworkerId) return context;
      const { coworkerId: _coworkerId, type: _type, ...message } = event;
      const items = [...context.chat.items, { kind: 'reply', ...message }].slice(-MESSAGES_KEPT);
      return { ...context, chat: { ...context.chat, items } };
    },
    auditReceived: (context, event) => {
      const audit = context.audit;
      // The entry may come without its envelope's id and time; the event carries them then.
      const entry = { coworkerId: event.coworkerId, at: event.at, ...event.entry };
      entry.id ??= `${entry.at}:${entry.kind}:${entry.summary}`;
      if (!audit.entries || !auditEntryMatches(audit.filters, event.coworkerId, entry)) {
        const kindsSeen = addKinds(audit.kindsSeen, [entry]);
        return kindsSeen === audit.kindsSeen ? context : { ...context, audit: { ...audit, kindsSeen } };
      }
      if (audit.entries.some((known) => known.id === entry.id)) return context;
      return {
        ...context,
        audit: { ...audit, entries: [entry, ...audit.entries].slice(0, AUDIT_KEPT), kindsSeen: addKinds(audit.kindsSeen, [entry]) },
      };
    },
  },
});

// ---- selectors the views share ----

/** Pending approvals the signed-in user may decide: the header's badge. */
export const decidableCount = (context) => (context.approvals.list ?? []).filter((approval) => approval.canDecide).length;

// Lookups over the crew, indexed once per crew data (1,000 coworkers: no scan per row).
const indexes = new WeakMap();

function crewIndex(teams) {
  let index = indexes.get(teams);
  if (!index) {
    index = { cards: new Map(), managers: new Map() };
    for (const team of teams) {
      for (const card of team.coworkers) {
        index.cards.set(card.id, card);
        index.managers.set(card.manager.id, card.manager.name);
      }
    }
    indexes.set(teams, index);
  }
  return index;
}

/** Who did or is asked something, in words: "you", a manager's or a coworker's name, else the id. */
export function personName(context, id) {
  if (id === context.user?.id) return 'you';
  if (Object.hasOwn(context.crew.people, id)) return context.crew.people[id];
  if (!context.crew.teams) return id;
  const index = crewIndex(context.crew.teams);
  return index.managers.get(id) ?? index.cards.get(id)?.name ?? id;
}

export function findCard(context, coworkerId) {
  return (context.crew.teams && crewIndex(context.crew.teams).cards.get(coworkerId)) ?? null;
}
