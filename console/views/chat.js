// The chat panel on a coworker's page: its recent messages and live replies, and a box to give it
// a task (POST /api/coworkers/:id/tasks); the task shows as sent, the replies as they arrive.
import { sendTask } from '../actions.js';
import { html, liveRelative } from '../format.js';
import { personName } from '../store.js';

const TASK_STATES = { sending: 'sending…', sent: 'sent', failed: 'not sent' };

function recipient(context, to) {
  if (to.kind === 'channel') return html`in ${to.id}`;
  const name = personName(context, to.id);
  return to.kind === 'manager' ? html`to ${name} (manager)` : html`to ${name}`;
}

function itemMarkup(context, name, item, ownTaskIds) {
  if (item.kind === 'task') {
    return html`<li class="message own ${item.state}">
      <p class="message-meta"${item.taskId ? html` title="task ${item.taskId}"` : ''}><strong>You</strong> · task ${TASK_STATES[item.state]}</p>
      <p class="message-text">${item.text}</p>
      ${item.error ? html`<p class="form-error">${[item.error.message, item.error.hint].filter(Boolean).join(' ')}</p>` : ''}
    </li>`;
  }
  const answersMe = item.taskId && ownTaskIds.has(item.taskId);
  return html`<li class="message${answersMe ? ' answer' : ''}">
    <p class="message-meta"><strong>${name}</strong> ${recipient(context, item.to)} · ${liveRelative(item.at)}${answersMe ? html` · <span class="tag">reply to your task</span>` : ''}</p>
    <p class="message-text">${item.text}</p>
  </li>`;
}

export function createChatPanel(container, coworkerId) {
  container.insertAdjacentHTML(
    'beforeend',
    String(html`
      <section class="card chat" aria-labelledby="chat-title">
        <h2 id="chat-title">Chat</h2>
        <ol class="chat-messages" data-testid="chat-messages" aria-live="polite"></ol>
        <form class="chat-form">
          <label class="visually-hidden" for="chat-input">A task for ${coworkerId}</label>
          <textarea id="chat-input" data-testid="chat-input" rows="3" placeholder="Give ${coworkerId} a task…"></textarea>
          <div class="chat-actions">
            <span class="muted small">Ctrl+Enter sends</span>
            <button type="submit" class="button primary" data-testid="chat-send">Send</button>
          </div>
        </form>
        <p class="muted small chat-not-yours" data-testid="chat-not-yours" hidden>Only its manager, a manager of its team or an admin gives it tasks.</p>
      </section>`),
  );
  const title = container.querySelector('#chat-title');
  const list = container.querySelector('[data-testid="chat-messages"]');
  const form = container.querySelector('.chat-form');
  const input = form.querySelector('textarea');
  const notYours = container.querySelector('[data-testid="chat-not-yours"]');

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const text = input.value.trim();
    if (!text) {
      input.focus();
      return;
    }
    input.value = '';
    sendTask(coworkerId, text);
  });
  input.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) form.requestSubmit();
  });

  let shownItems;
  let shownName;
  return {
    update(context) {
      // The server refuses a task from anyone else (403); the box is not offered to them.
      const canTask = context.coworker.detail?.canTask !== false;
      form.hidden = !canTask;
      notYours.hidden = canTask;
      const name = context.coworker.detail?.coworker.name ?? coworkerId;
      if (name !== shownName) {
        shownName = name;
        title.textContent = `Chat with ${name}`;
        input.placeholder = `Give ${name} a task…`;
      }
      const { items } = context.chat;
      if (items === shownItems || context.chat.coworkerId !== coworkerId) return;
      shownItems = items;
      // Follow new messages unless the reader scrolled up to read older ones.
      const atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 40;
      const ownTaskIds = new Set(items.filter((item) => item.kind === 'task' && item.taskId).map((item) => item.taskId));
      list.innerHTML = items.length
        ? String(html`${items.map((item) => itemMarkup(context, name, item, ownTaskIds))}`)
        : String(html`<li class="muted empty-chat">No messages yet. Give ${name} a task below.</li>`);
      if (atBottom) list.scrollTop = list.scrollHeight;
    },
  };
}
