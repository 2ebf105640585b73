// The approvals inbox: every gated call waiting for a person, with its exact arguments; approvers
// approve (after a confirmation), reject with a reason, or edit the arguments as JSON. `#/approvals/<id>`
// shows one of them: the page Slack and Teams link to when they cannot show the whole call.
import { decide } from '../actions.js';
import { absoluteTime, avatar, html, liveRelative, pluralize, prettyJson } from '../format.js';
import { findCard, personName, store } from '../store.js';
import { patchList } from './keyed-list.js';

/**
 * The whole call, as the server's `shown` model orders it: the consequential arguments first
 * (recipients, amounts, the records it changes), then a mail's subject and body, then every other
 * argument as JSON. Nothing is cut here: long parts scroll.
 */
function argsMarkup(approval) {
  const { consequential, mail, rest } = approval.shown;
  const others = Object.keys(rest).length > 0;
  return html`
    ${consequential.length
      ? html`<dl class="consequential" data-testid="consequential">
          ${consequential.map(({ name, value }) => html`<div><dt>${name}</dt><dd>${value}</dd></div>`)}
        </dl>`
      : ''}
    ${mail?.subject === undefined ? '' : html`<dl class="email"><div><dt>Subject</dt><dd><strong>${mail.subject}</strong></dd></div></dl>`}
    ${mail?.body === undefined ? '' : html`<pre class="email-body">${mail.body}</pre>`}
    ${others ? html`<p class="sub">${consequential.length || mail ? 'Other arguments' : 'Arguments'}</p><pre class="code-block">${prettyJson(rest)}</pre>` : ''}`;
}

function outcomeMarkup(result) {
  if (result.status === 'applied') {
    const words = { approved: 'Approved: the call runs now.', rejected: 'Rejected: the coworker was told why.', edited: 'Edited: the coworker asks again with the new arguments.' };
    return html`<p class="outcome ok" role="status">${words[result.outcome] ?? `Decided: ${result.outcome}.`}</p>`;
  }
  if (result.status === 'refused') return html`<p class="form-error" role="alert">The coworker refused the decision: ${result.reason}</p>`;
  return html`<p class="outcome" role="status">Decision sent; the coworker has not confirmed it yet.</p>`;
}

function decisionPanel(approval, decision) {
  const disabled = decision.busy ? html` disabled` : '';
  if (decision.mode === 'approve') {
    return html`<div class="decision-panel">
      <p>Approve <code>${approval.tool}</code> with exactly these arguments?</p>
      <div class="button-row">
        <button type="button" class="button primary" data-act="confirm-approve" data-testid="approve-confirm"${disabled}>Yes, approve</button>
        <button type="button" class="button subtle" data-act="cancel"${disabled}>Cancel</button>
      </div>
    </div>`;
  }
  if (decision.mode === 'reject') {
    return html`<form class="decision-panel" data-act="confirm-reject">
      <label for="reason-${approval.id}">Why not? The coworker reads this.</label>
      <textarea id="reason-${approval.id}" name="reason" rows="2" data-testid="reject-reason" required>${decision.draft ?? ''}</textarea>
      <div class="button-row">
        <button type="submit" class="button danger" data-testid="reject-confirm"${disabled}>Reject</button>
        <button type="button" class="button subtle" data-act="cancel"${disabled}>Cancel</button>
      </div>
    </form>`;
  }
  if (decision.mode === 'edit') {
    return html`<form class="decision-panel" data-act="confirm-edit">
      <label for="args-${approval.id}">New arguments (JSON). The coworker asks again with them.</label>
      <textarea id="args-${approval.id}" name="args" rows="10" class="code-input" data-testid="edit-args" spellcheck="false">${decision.draft ?? prettyJson(approval.args)}</textarea>
      <div class="button-row">
        <button type="submit" class="button primary" data-testid="edit-confirm"${disabled}>Send edited arguments</button>
        <button type="button" class="button subtle" data-act="cancel"${disabled}>Cancel</button>
      </div>
    </form>`;
  }
  return '';
}

/** Approve, Reject and Edit each open their panel below (aria-expanded says which is open). */
const modeButton = (mode, label, classes, decision) =>
  html`<button type="button" class="${classes}" data-act="${mode}" data-testid="${mode}" aria-expanded="${decision.mode === mode}"${decision.busy ? html` disabled` : ''}>${label}</button>`;

function approvalMarkup(context, approval, decision) {
  const card = findCard(context, approval.coworkerId) ?? { id: approval.coworkerId, name: approval.coworkerId };
  const approvers = approval.approvers.map((id) => personName(context, id));
  const decided = Boolean(decision.outcome && decision.outcome.status !== 'refused');
  const canAct = approval.canDecide && !decided;
  return html`
    <article class="card approval" data-testid="approval" data-approval-id="${approval.id}" aria-labelledby="approval-${approval.id}">
      <header class="approval-head">
        <a class="coworker-link" href="#/coworkers/${encodeURIComponent(card.id)}">${avatar(card)}<span class="name">${card.name}</span></a>
        <span class="muted">wants to</span>
        <code class="tool" id="approval-${approval.id}">${approval.tool}</code>
        <span class="tag risk risk-${approval.risk}" title="risk class">${approval.risk}</span>
        <span class="approval-when muted">asked ${liveRelative(approval.requestedAt)}${approval.jobId ? html` · job ${approval.jobId}` : ''}</span>
      </header>
      ${approval.summary ? html`<p class="approval-summary">${approval.summary}</p>` : ''}
      <dl class="approval-facts">
        <div><dt>Why it needs a person</dt><dd>${approval.reason}</dd></div>
        <div><dt>Deadline</dt><dd>${approval.deadline ? html`${liveRelative(approval.deadline)} <span class="muted">${absoluteTime(approval.deadline)}</span>` : html`<span class="muted">none</span>`}</dd></div>
      </dl>
      <div class="approval-args">${argsMarkup(approval)}</div>
      <footer class="approval-foot">
        ${canAct
          ? html`<div class="button-row">
              ${modeButton('approve', 'Approve…', 'button primary', decision)}
              ${modeButton('reject', 'Reject…', 'button danger-outline', decision)}
              ${modeButton('edit', 'Edit…', 'button', decision)}
            </div>`
          : approval.canDecide
            ? ''
            : html`<p class="muted note">Only ${approvers.join(' or ')} can decide.</p>`}
        ${canAct ? decisionPanel(approval, decision) : ''}
        ${decision.busy ? html`<p class="muted" role="status">Sending your decision…</p>` : ''}
        ${decision.outcome ? outcomeMarkup(decision.outcome) : ''}
        ${decision.error ? html`<p class="form-error" role="alert">${[decision.error.message, decision.error.hint].filter(Boolean).join(' ')}</p>` : ''}
      </footer>
    </article>`;
}

const NO_DECISION = { mode: null, busy: false, error: null, outcome: null };

function parseArgs(text) {
  let args;
  try {
    args = JSON.parse(text);
  } catch (error) {
    return { error: { message: `The arguments are not valid JSON: ${error.message}.`, hint: 'Fix the JSON, or Cancel to keep the original arguments.' } };
  }
  if (args === null || typeof args !== 'object' || Array.isArray(args)) {
    return { error: { message: 'The arguments must be a JSON object, like {"subject": "…"}.' } };
  }
  return { args };
}

export function createApprovalsView(container) {
  container.insertAdjacentHTML(
    'beforeend',
    String(html`
      <section class="approvals page" data-testid="approvals" aria-labelledby="approvals-title">
        <div class="page-head">
          <h1 id="approvals-title">Approvals</h1>
          <p class="muted approvals-summary" role="status">Loading…</p>
          <a class="all-approvals" href="#/approvals" hidden>All approvals</a>
        </div>
        <p class="empty" hidden></p>
        <div class="approval-list"></div>
      </section>`),
  );
  const page = container.querySelector('.approvals');
  const listElement = page.querySelector('.approval-list');
  const summary = page.querySelector('.approvals-summary');
  const empty = page.querySelector('.empty');
  const title = page.querySelector('#approvals-title');
  const allLink = page.querySelector('.all-approvals');

  const approvalId = (element) => element.closest('[data-approval-id]').dataset.approvalId;

  page.addEventListener('click', (event) => {
    const button = event.target.closest('button[data-act]');
    if (!button) return;
    const id = approvalId(button);
    const act = button.dataset.act;
    if (act === 'confirm-approve') decide(id, 'approved');
    else store.trigger.decisionModeChanged({ approvalId: id, mode: act === 'cancel' ? null : act });
    if (act === 'reject' || act === 'edit') page.querySelector(`[data-approval-id="${CSS.escape(id)}"] textarea`)?.focus();
  });
  page.addEventListener('submit', (event) => {
    event.preventDefault();
    const form = event.target;
    const id = approvalId(form);
    if (form.dataset.act === 'confirm-reject') {
      const reason = form.elements.reason.value.trim();
      if (!reason) {
        store.trigger.decisionFailed({ approvalId: id, error: { message: 'Say why you reject it: the coworker reads the reason.' }, draft: '' });
        return;
      }
      decide(id, 'rejected', { reason }, reason);
    } else if (form.dataset.act === 'confirm-edit') {
      const draft = form.elements.args.value;
      const { args, error } = parseArgs(draft);
      if (error) store.trigger.decisionFailed({ approvalId: id, error, draft });
      else decide(id, 'edited', { args }, draft);
    }
  });

  return {
    update(context) {
      const { list: pending, error } = context.approvals;
      // One approval (`#/approvals/<id>`): the page the chats link to; the same card, alone.
      const one = context.route.id;
      title.textContent = one ? 'Approval' : 'Approvals';
      allLink.hidden = !one;
      const approvals = one ? pending?.filter((approval) => approval.id === one) : pending;
      if (!approvals) {
        summary.textContent = error ? '' : 'Loading…';
        empty.hidden = !error;
        empty.textContent = error ? [`Could not load the approvals: ${error.message}`, error.hint].filter(Boolean).join(' ') : '';
        return;
      }
      const mine = approvals.filter((approval) => approval.canDecide).length;
      summary.textContent = approvals.length && !one ? `${pluralize(approvals.length, 'call')} waiting · ${mine.toLocaleString()} for you to decide` : '';
      empty.hidden = approvals.length > 0;
      empty.textContent = one
        ? `Approval ${one} is not waiting for a decision: it was decided, expired or cancelled. The coworker's audit trail says which.`
        : 'Nothing waits for a decision. Gated calls show up here as coworkers ask.';
      const crewKnown = Boolean(context.crew.teams);
      patchList(
        listElement,
        approvals.map((approval) => {
          const decision = context.decisions[approval.id] ?? NO_DECISION;
          return { key: approval.id, inputs: [approval, decision, crewKnown], render: () => approvalMarkup(context, approval, decision) };
        }),
      );
    },
  };
}
