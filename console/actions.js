// What the page does: sign-in, loading each view's data and sending decisions and tasks. Every
// result and failure goes into the store as an event; the views only call these.
import { api, errorInfo } from './api.js';
import { startLive, stopLive } from './live.js';
import { store } from './store.js';

const context = () => store.getSnapshot().context;

/** Runs a request; a failure becomes the given store event (a 401 already ended the session). */
async function load(request, onDone, onFailed) {
  try {
    onDone(await request());
  } catch (error) {
    if (error.status !== 401) onFailed(errorInfo(error));
  }
}

// ---- session ----

export async function checkSession() {
  try {
    const { user } = await api.get('/api/me');
    started(user);
  } catch (error) {
    if (error.status !== 401) store.trigger.sessionEnded({ error: errorInfo(error) });
  }
}

export async function signIn(login, password) {
  store.trigger.signInStarted();
  try {
    const { user } = await api.post('/api/session', { login, password });
    started(user);
  } catch (error) {
    store.trigger.signInFailed({ error: errorInfo(error) });
  }
}

export async function signOut() {
  try {
    await api.delete('/api/session');
  } catch (error) {
    if (error.status !== 401) {
      store.trigger.noticeShown({ error: { ...errorInfo(error), message: `Could not sign out: ${error.message}` } });
      return;
    }
  }
  stopLive();
  store.trigger.sessionEnded({});
}

function started(user) {
  store.trigger.sessionStarted({ user });
  startLive({ onReconnect: loadEverything, onClosed: checkStillSignedIn, onAssigned: reloadAssigned });
  loadEverything();
}

/**
 * The crew (names on every page), the approvals (the header's badge) and the open page's data;
 * after a dropped live feed too, since the events it missed are gone.
 */
function loadEverything() {
  const { route } = context();
  loadCrew();
  loadApprovals();
  if (route.view === 'coworker' || route.view === 'audit') loadRoute(route);
}

/** A coworker has a new team or manager (whoever assigned it): the crew and its page are read again. */
function reloadAssigned(coworkerId) {
  loadCrew();
  if (context().route.view === 'coworker' && context().coworker.id === coworkerId) loadCoworker(coworkerId);
}

/** The stream was refused: if the session is gone, api.js's 401 handling signs out. */
async function checkStillSignedIn() {
  await api.get('/api/me').catch(() => {});
}

// ---- data per view ----

export function loadRoute(route) {
  if (route.view === 'crew') return loadCrew();
  if (route.view === 'coworker') return loadCoworker(route.id);
  if (route.view === 'approvals') return loadApprovals();
  if (route.view === 'audit') return loadAudit();
}

let crewRequest = null;

/** Several views want the crew at once (names, the audit's coworker list): one request serves them. */
function loadCrew() {
  crewRequest ??= load(() => api.get('/api/crew'), ({ teams, people }) => store.trigger.crewLoaded({ teams, people }), (error) => store.trigger.crewFailed({ error }))
    .finally(() => (crewRequest = null));
  return crewRequest;
}

const loadApprovals = () =>
  load(() => api.get('/api/approvals'), ({ approvals }) => store.trigger.approvalsLoaded({ approvals }), (error) => store.trigger.approvalsFailed({ error }));

function loadCoworker(id) {
  store.trigger.coworkerRequested({ id });
  if (!context().statechart.chart) {
    load(() => api.get('/api/statechart'), (chart) => store.trigger.statechartLoaded({ chart }), (error) => store.trigger.statechartFailed({ error }));
  }
  return load(
    () => api.get(`/api/coworkers/${encodeURIComponent(id)}`),
    (detail) => store.trigger.coworkerLoaded({ detail }),
    (error) => store.trigger.coworkerFailed({ id, error }),
  );
}

// ---- audit ----

let auditRequests = 0;

/** datetime-local text (the browser's time zone) → epoch ms for the API. */
const epoch = (local) => String(new Date(local).getTime());

async function loadAudit() {
  let { filters } = context().audit;
  if (!filters.coworker) {
    if (!context().crew.teams) await loadCrew();
    const first = context().crew.teams?.flatMap((team) => team.coworkers)[0];
    if (!first) return;
    store.trigger.auditFiltersChanged({ filters: { coworker: first.id } });
    filters = context().audit.filters;
  }
  const query = new URLSearchParams({ coworker: filters.coworker, limit: '500' });
  for (const key of ['job', 'run', 'kind']) if (filters[key].trim()) query.set(key, filters[key].trim());
  if (filters.since) query.set('since', epoch(filters.since));
  if (filters.until) query.set('until', epoch(filters.until));

  const requestId = (auditRequests += 1);
  store.trigger.auditRequested({ requestId });
  return load(
    () => api.get(`/api/audit?${query}`),
    ({ entries }) => store.trigger.auditLoaded({ requestId, entries }),
    (error) => store.trigger.auditFailed({ requestId, error }),
  );
}

export function setAuditFilters(filters) {
  store.trigger.auditFiltersChanged({ filters });
  return loadAudit();
}

// ---- commands ----

let chatSends = 0;

export async function sendTask(coworkerId, text) {
  const localId = `local-${(chatSends += 1)}`;
  store.trigger.chatSending({ coworkerId, localId, text, at: Date.now() });
  try {
    const { id } = await api.post(`/api/coworkers/${encodeURIComponent(coworkerId)}/tasks`, { text });
    store.trigger.chatSent({ localId, taskId: id });
  } catch (error) {
    store.trigger.chatFailed({ localId, error: errorInfo(error) });
  }
}

/** body: { team?, manager? }; the page and the crew are read again after, with the new team and manager. */
export async function assignCoworker(coworkerId, body) {
  store.trigger.assignStarted({ coworkerId });
  try {
    const { message } = await api.post(`/api/coworkers/${encodeURIComponent(coworkerId)}/assignment`, body);
    store.trigger.assignAnswered({ coworkerId, message });
    loadCrew();
    loadCoworker(coworkerId);
  } catch (error) {
    store.trigger.assignFailed({ coworkerId, error: errorInfo(error) });
  }
}

/** decision: 'approved' | 'rejected' | 'edited'; details: { reason } or { args }; draft: the typed text. */
export async function decide(approvalId, decision, details = {}, draft = undefined) {
  store.trigger.decisionStarted({ approvalId, draft });
  try {
    const result = await api.post(`/api/approvals/${encodeURIComponent(approvalId)}/decision`, { decision, ...details });
    store.trigger.decisionAnswered({ approvalId, result });
  } catch (error) {
    store.trigger.decisionFailed({ approvalId, error: errorInfo(error), draft });
  }
}
