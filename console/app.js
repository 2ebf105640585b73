// The console's entry point: the hash router, the page shell (header + one view) and the single
// store subscription through which every view re-renders from the store's snapshot.
import { checkSession, loadRoute } from './actions.js';
import { refreshTimes } from './format.js';
import { store } from './store.js';
import { createApprovalsView } from './views/approvals.js';
import { createAuditView } from './views/audit.js';
import { createCoworkerView } from './views/coworker.js';
import { createCrewView } from './views/crew.js';
import { createHeader } from './views/header.js';
import { createSignInView } from './views/sign-in.js';

const TIME_REFRESH_MS = 5_000;

const views = { crew: createCrewView, coworker: createCoworkerView, approvals: createApprovalsView, audit: createAuditView };
const titles = { crew: 'Crew', coworker: 'Coworker', approvals: 'Approvals', audit: 'Audit' };

/** `#/`, `#/coworkers/<id>`, `#/approvals`, `#/approvals/<id>`, `#/audit`; anything else is the crew. */
function parseRoute(hash) {
  const path = hash.replace(/^#/, '') || '/';
  const coworker = /^\/coworkers\/([^/]+)\/?$/.exec(path);
  if (coworker) return { view: 'coworker', id: decodeURIComponent(coworker[1]) };
  const approval = /^\/approvals\/([^/]+)\/?$/.exec(path);
  if (approval) return { view: 'approvals', id: decodeURIComponent(approval[1]) };
  if (path === '/approvals') return { view: 'approvals' };
  if (path === '/audit') return { view: 'audit' };
  return { view: 'crew' };
}

const root = document.getElementById('app');

/** What is on screen: the shell ('loading' | 'sign-in' | 'console') and, in the console, a view. */
const screen = { shell: null, header: null, main: null, signIn: null, viewKey: null, view: null };

function showShell(shell) {
  screen.view?.destroy?.();
  Object.assign(screen, { shell, header: null, main: null, signIn: null, viewKey: null, view: null });
  root.replaceChildren();
  if (shell === 'loading') {
    root.innerHTML = '<p class="loading" role="status">Loading the console…</p>';
  } else if (shell === 'sign-in') {
    screen.signIn = createSignInView(root);
  } else {
    screen.header = createHeader(root);
    screen.main = document.createElement('main');
    screen.main.id = 'main';
    screen.main.tabIndex = -1;
    root.append(screen.main);
  }
}

function showView(route) {
  screen.view?.destroy?.();
  screen.main.replaceChildren();
  screen.view = views[route.view](screen.main, route);
  document.title = `${titles[route.view]} · Coworkers`;
  window.scrollTo(0, 0);
}

function render({ context }) {
  const shell = context.session === 'unknown' ? 'loading' : context.session === 'signedIn' ? 'console' : 'sign-in';
  if (shell !== screen.shell) showShell(shell);
  if (shell === 'sign-in') {
    document.title = 'Sign in · Coworkers';
    screen.signIn.update(context);
  }
  if (shell !== 'console') return;
  const viewKey = context.route.view === 'coworker' ? `coworker:${context.route.id}` : context.route.view;
  if (viewKey !== screen.viewKey) {
    showView(context.route);
    screen.viewKey = viewKey;
  }
  screen.header.update(context);
  screen.view.update(context);
}

window.addEventListener('hashchange', () => {
  const route = parseRoute(location.hash);
  store.trigger.routeChanged({ route });
  if (store.getSnapshot().context.session === 'signedIn') loadRoute(route);
});

store.trigger.routeChanged({ route: parseRoute(location.hash) });
store.subscribe(render);
render(store.getSnapshot());
setInterval(() => refreshTimes(root), TIME_REFRESH_MS);
checkSession();
