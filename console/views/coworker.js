// One coworker's page: who it is and its state, its statechart with the active states lit (live),
// recent transitions, jobs with their schedules and triggers, its backlog, and the chat panel.
import { absoluteTime, avatar, html, liveRelative, liveSince, pluralize, statePill, statusLabel, teamLabel } from '../format.js';
import { personName } from '../store.js';
import { createAssignPanel } from './assign.js';
import { createChatPanel } from './chat.js';

const STATE_WORDS = new Set(['idle', 'working', 'awaitingApproval', 'blocked', 'notStarted', 'onDuty', 'offDuty']);

/** A transition end: the known state words as small pills, anything else as the server wrote it. */
const stateTag = (state) =>
  state === null || state === undefined
    ? html`<span class="muted">start</span>`
    : STATE_WORDS.has(state)
      ? html`<span class="tag status-${state}">${statusLabel(state)}</span>`
      : html`<span class="tag">${state}</span>`;

function headMarkup(context, card, team) {
  const waitingOn = card.waitingOn.map((id) => personName(context, id)).join(', ');
  return html`
    <div class="coworker-identity">
      ${avatar(card, 'large')}
      <div>
        <h1>${card.name} <span class="muted id">${card.id}</span></h1>
        <p class="role">${card.role}</p>
        <p class="muted">Team <a href="#/">${team?.name ?? teamLabel(card.team)}</a> · reports to ${card.manager.name}</p>
      </div>
    </div>
    <dl class="facts">
      <div><dt>State</dt><dd>${statePill(card.status, card.shift)} ${card.since ? liveSince(card.since) : ''}</dd></div>
      <div><dt>Waiting for</dt><dd>${card.waitingFor ?? (waitingOn ? 'a decision' : html`<span class="muted">nothing</span>`)}${waitingOn ? html` <span class="muted">on ${waitingOn}</span>` : ''}</dd></div>
      <div><dt>Backlog</dt><dd>${pluralize(card.backlog, 'task')}${card.pendingApprovals ? html` · <a href="#/approvals">${pluralize(card.pendingApprovals, 'approval')}</a>` : ''}</dd></div>
      <div><dt>Next run</dt><dd>${card.nextRun ? html`${liveRelative(card.nextRun.at)} <span class="muted">${absoluteTime(card.nextRun.at)} · ${card.nextRun.jobId}</span>` : html`<span class="muted">none scheduled</span>`}</dd></div>
    </dl>`;
}

function timelineMarkup(transitions) {
  if (!transitions.length) return html`<li class="muted">No transitions since the server started.</li>`;
  return transitions.map(
    (transition) => html`<li><span class="timeline-time">${liveRelative(transition.at)}</span><span class="timeline-states">${stateTag(transition.from)}<span class="arrow" aria-label="to">→</span>${stateTag(transition.to)}</span></li>`,
  );
}

function jobsMarkup(jobs) {
  if (!jobs.length) return html`<p class="muted">No jobs: this coworker only works on tasks people give it.</p>`;
  return html`
    <table class="table">
      <thead><tr><th scope="col">Job</th><th scope="col">Schedule</th><th scope="col">Triggers</th><th scope="col">Next run</th></tr></thead>
      <tbody>${jobs.map(
        (job) => html`<tr>
          <td><span class="name">${job.id}</span>${job.description ? html`<span class="sub">${job.description}</span>` : ''}</td>
          <td>${job.schedule ? html`<code>${job.schedule}</code>` : html`<span class="muted">—</span>`}</td>
          <td>${job.triggers.length ? job.triggers.map((trigger) => html`<code class="tag">${trigger}</code> `) : html`<span class="muted">—</span>`}</td>
          <td>${job.nextRun ? html`${liveRelative(job.nextRun)}<span class="sub">${absoluteTime(job.nextRun)}</span>` : html`<span class="muted">—</span>`}</td>
        </tr>`,
      )}</tbody>
    </table>`;
}

function backlogMarkup(context, detail) {
  if (!detail.backlog) return html`<p class="muted">${pluralize(detail.coworker.backlog, 'task')} waiting; the server does not list them.</p>`;
  if (!detail.backlog.length) return html`<p class="muted">Nothing waiting.</p>`;
  return html`<ol class="backlog-list">${detail.backlog.map(
    (task) => html`<li>
      <p class="backlog-text">${task.text}</p>
      <p class="sub">${task.jobId ? html`job ${task.jobId} · ` : ''}from ${personName(context, task.requestedBy)} · ${liveRelative(task.createdAt)}</p>
    </li>`,
  )}</ol>`;
}

export function createCoworkerView(container, route) {
  container.insertAdjacentHTML(
    'beforeend',
    String(html`
      <article class="coworker page" data-coworker-id="${route.id}">
        <nav class="crumbs" aria-label="Breadcrumb"><a href="#/">Crew</a> <span aria-hidden="true">/</span> <span>${route.id}</span></nav>
        <header class="coworker-head card"><p class="muted">Loading ${route.id}…</p></header>
        <p class="empty" role="alert" hidden></p>
        <div class="coworker-grid">
          <div class="coworker-main">
            <section class="card panel" aria-labelledby="statechart-title">
              <h2 id="statechart-title">Statechart</h2>
              <div class="statechart-frame" data-testid="statechart"><p class="muted">Loading the statechart…</p></div>
            </section>
            <div class="two-col">
              <section class="card panel" aria-labelledby="timeline-title">
                <h2 id="timeline-title">Recent transitions</h2>
                <ol class="timeline" data-testid="timeline"></ol>
              </section>
              <section class="card panel" aria-labelledby="backlog-title">
                <h2 id="backlog-title">Backlog</h2>
                <div class="backlog"></div>
              </section>
            </div>
            <section class="card panel" aria-labelledby="jobs-title">
              <h2 id="jobs-title">Jobs</h2>
              <div class="jobs"></div>
            </section>
          </div>
          <aside class="coworker-side" aria-label="Chat and assignment"></aside>
        </div>
      </article>`),
  );
  const page = container.querySelector('.coworker');
  const head = page.querySelector('.coworker-head');
  const problem = page.querySelector('.empty');
  const grid = page.querySelector('.coworker-grid');
  const chart = page.querySelector('[data-testid="statechart"]');
  const timeline = page.querySelector('[data-testid="timeline"]');
  const chat = createChatPanel(page.querySelector('.coworker-side'), route.id);
  const assign = createAssignPanel(page.querySelector('.coworker-side'), route.id);

  const shown = { card: undefined, activeStates: undefined, chart: undefined, chartError: undefined, transitions: undefined, detail: undefined, error: undefined };

  function lightActiveStates(activeStates) {
    const active = new Set(activeStates);
    for (const node of chart.querySelectorAll('g[data-state-id]')) node.classList.toggle('active', active.has(node.dataset.stateId));
    chart.querySelector('svg')?.setAttribute('aria-label', `Statechart; active: ${activeStates.join(', ')}`);
  }

  return {
    update(context) {
      const { detail, error } = context.coworker;
      if (error !== shown.error) {
        shown.error = error;
        problem.hidden = !error;
        problem.textContent = error ? [error.message, error.hint].filter(Boolean).join(' ') : '';
        grid.hidden = Boolean(error) && !detail;
        if (error && !detail) head.hidden = true;
      }

      const { chart: statechart, error: chartError } = context.statechart;
      if (statechart && statechart !== shown.chart) {
        shown.chart = statechart;
        // The SVG comes from our own server (laid out from the machine definition): trusted markup.
        chart.innerHTML = statechart.svg;
        chart.querySelector('svg')?.setAttribute('role', 'img');
        shown.activeStates = undefined;
      } else if (!statechart && chartError !== shown.chartError) {
        shown.chartError = chartError;
        chart.innerHTML = String(html`<p class="form-error">Could not draw the statechart: ${chartError?.message ?? ''}</p>`);
      }

      if (!detail) return;
      if (detail.coworker !== shown.card) {
        shown.card = detail.coworker;
        head.hidden = false;
        head.innerHTML = String(headMarkup(context, detail.coworker, detail.team));
        document.title = `${detail.coworker.name} · Coworkers`;
      }
      if (shown.chart && detail.activeStates !== shown.activeStates) {
        shown.activeStates = detail.activeStates;
        lightActiveStates(detail.activeStates);
      }
      if (detail.transitions !== shown.transitions) {
        shown.transitions = detail.transitions;
        timeline.innerHTML = String(html`${timelineMarkup(detail.transitions)}`);
      }
      if (detail.jobs !== shown.detail?.jobs || detail.backlog !== shown.detail?.backlog || detail.coworker.backlog !== shown.detail?.coworker.backlog) {
        page.querySelector('.jobs').innerHTML = String(jobsMarkup(detail.jobs));
        page.querySelector('.backlog').innerHTML = String(backlogMarkup(context, detail));
      }
      shown.detail = detail;
      chat.update(context);
      assign.update(context);
    },
  };
}
