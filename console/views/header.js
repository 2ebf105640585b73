// The header on every signed-in page: product name, navigation with the approvals badge, the live
// feed's state, the user and sign-out; below it, the page-level notice when something failed.
import { signOut } from '../actions.js';
import { html } from '../format.js';
import { decidableCount, store } from '../store.js';

const LIVE_WORDS = { open: 'Live', connecting: 'Reconnecting…', closed: 'Offline' };

export function createHeader(container) {
  container.insertAdjacentHTML(
    'beforeend',
    String(html`
      <header class="topbar">
        <a class="brand" href="#/"><span class="brand-mark" aria-hidden="true"></span>Coworkers</a>
        <nav class="nav" aria-label="Main">
          <a href="#/" data-nav="crew">Crew</a>
          <a href="#/approvals" data-nav="approvals">Approvals <span class="badge" data-testid="approvals-badge" hidden>0</span></a>
          <a href="#/audit" data-nav="audit">Audit</a>
        </nav>
        <div class="topbar-end">
          <span class="live" data-live="closed" role="status"></span>
          <span class="user-name"></span>
          <button type="button" class="button subtle" data-testid="sign-out">Sign out</button>
        </div>
      </header>
      <div class="notice" role="alert" hidden>
        <div><strong class="notice-message"></strong> <span class="notice-hint"></span></div>
        <button type="button" class="button subtle" data-dismiss>Dismiss</button>
      </div>`),
  );
  const header = container.querySelector('.topbar');
  const notice = container.querySelector('.notice');
  const badge = header.querySelector('[data-testid="approvals-badge"]');
  const live = header.querySelector('.live');

  header.querySelector('[data-testid="sign-out"]').addEventListener('click', () => signOut());
  notice.querySelector('[data-dismiss]').addEventListener('click', () => store.trigger.noticeDismissed());

  return {
    update(context) {
      const section = context.route.view === 'coworker' ? 'crew' : context.route.view;
      for (const link of header.querySelectorAll('[data-nav]')) {
        if (link.dataset.nav === section) link.setAttribute('aria-current', 'page');
        else link.removeAttribute('aria-current');
      }
      const count = decidableCount(context);
      badge.textContent = String(count);
      badge.hidden = count === 0;
      badge.title = `${count} waiting for your decision`;
      live.dataset.live = context.live;
      live.textContent = LIVE_WORDS[context.live];
      header.querySelector('.user-name').textContent = context.user?.name ?? '';
      notice.hidden = !context.notice;
      notice.querySelector('.notice-message').textContent = context.notice?.message ?? '';
      notice.querySelector('.notice-hint').textContent = context.notice?.hint ?? '';
    },
  };
}
