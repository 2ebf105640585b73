// The crew at a glance: teams as sections, one row per coworker with its state, time in state, what
// it waits for and on whom, backlog and next run. Rows are rendered once per data change; the
// filter only toggles `hidden` on them, so typing stays fast with a thousand coworkers.
import { absoluteTime, avatar, html, liveRelative, liveSince, pluralize, statePill, statusLabel, teamLabel, toElement } from '../format.js';
import { personName, store } from '../store.js';

const CHIPS = ['idle', 'working', 'awaitingApproval', 'blocked', 'offDuty', 'notStarted'];

const chipMatches = (chip, card) => (chip === 'offDuty' ? card.shift === 'offDuty' : card.status === chip);

function searchText(card) {
  const words = [card.name, card.id, card.role, card.team, teamLabel(card.team), card.manager.name, card.manager.id, card.status, statusLabel(card.status)];
  if (card.shift === 'offDuty') words.push('off duty', 'offduty');
  if (card.attention) words.push('needs attention');
  return words.join(' ').toLowerCase();
}

function waitingCell(context, card) {
  if (!card.waitingFor && !card.waitingOn.length) return html`<span class="muted">—</span>`;
  const on = card.waitingOn.map((id) => personName(context, id)).join(', ');
  return html`<span class="clamp" title="${card.waitingFor ?? ''}">${card.waitingFor ?? 'Waiting'}</span>${on ? html`<span class="sub">on ${on}</span>` : ''}`;
}

// A coworker whose snapshot could not be restored is not running: the badge says so, and the
// waiting cell what to do, instead of the state it last stored.
function attentionBadge(attention) {
  return html`<span class="pill status-attention" data-testid="attention-badge" title="${attention.error}"><span class="dot" aria-hidden="true"></span>Needs attention</span><span class="sub">snapshot v${attention.schemaVersion ?? '?'}</span>`;
}

function rowMarkup(context, card) {
  const offDuty = card.shift === 'offDuty';
  if (card.attention) return attentionRow(card);
  return html`
    <div class="crew-row${offDuty ? ' off-duty' : ''}" role="row" data-testid="coworker-row" data-coworker-id="${card.id}">
      <div role="cell"><a class="coworker-link" href="#/coworkers/${encodeURIComponent(card.id)}">${avatar(card)}<span><span class="name">${card.name}</span><span class="sub">${card.id}</span></span></a></div>
      <div role="cell"><span class="clamp" title="${card.role}">${card.role}</span></div>
      <div role="cell">${card.manager.name}</div>
      <div role="cell">${statePill(card.status, card.shift)}${card.since ? html`<span class="sub">${liveSince(card.since)}</span>` : ''}</div>
      <div role="cell">${waitingCell(context, card)}</div>
      <div role="cell" class="num">${card.backlog}</div>
      <div role="cell">${card.nextRun
        ? html`${liveRelative(card.nextRun.at)}<span class="sub">${absoluteTime(card.nextRun.at)} · ${card.nextRun.jobId}</span>`
        : html`<span class="muted">—</span>`}</div>
    </div>`;
}

function attentionRow(card) {
  return html`
    <div class="crew-row needs-attention" role="row" data-testid="coworker-row" data-coworker-id="${card.id}" data-attention="true">
      <div role="cell"><a class="coworker-link" href="#/coworkers/${encodeURIComponent(card.id)}">${avatar(card)}<span><span class="name">${card.name}</span><span class="sub">${card.id}</span></span></a></div>
      <div role="cell"><span class="clamp" title="${card.role}">${card.role}</span></div>
      <div role="cell">${card.manager.name}</div>
      <div role="cell">${attentionBadge(card.attention)}</div>
      <div role="cell"><span class="clamp" title="${card.attention.error}">${card.attention.error}</span><span class="sub">${card.attention.hint}</span></div>
      <div role="cell" class="num">${card.backlog}</div>
      <div role="cell"><span class="muted">—</span></div>
    </div>`;
}

// Rows are grid rows, not table rows, so the browser can skip laying out the ones off screen
// (content-visibility): showing a thousand rows again after a filter stays quick.
function teamMarkup(context, team) {
  const managers = [...new Set(team.coworkers.map((card) => card.manager.name))].join(', ');
  return html`
    <section class="team" data-team-id="${team.id}">
      <header class="team-head">
        <h2>${team.name ?? teamLabel(team.id)}</h2>
        <span class="muted">${pluralize(team.coworkers.length, 'coworker')}${managers ? html` · managed by ${managers}` : ''}</span>
      </header>
      <div class="crew-table" role="table" aria-label="${team.name ?? teamLabel(team.id)}">
        <div class="crew-row crew-columns" role="row"><span role="columnheader">Coworker</span><span role="columnheader">Role</span><span role="columnheader">Manager</span><span role="columnheader">State</span><span role="columnheader">Waiting for</span><span role="columnheader" class="num">Backlog</span><span role="columnheader">Next run</span></div>
        <div class="crew-rows" role="rowgroup">${team.coworkers.map((card) => rowMarkup(context, card))}</div>
      </div>
    </section>`;
}

const signatureOf = (teams) => teams.map((team) => `${team.id}:${team.coworkers.map((card) => card.id).join(',')}`).join('|');

export function createCrewView(container) {
  container.insertAdjacentHTML(
    'beforeend',
    String(html`
      <section class="crew page" data-testid="crew" aria-labelledby="crew-title">
        <div class="page-head">
          <h1 id="crew-title">Crew</h1>
          <p class="muted crew-summary" role="status"></p>
        </div>
        <div class="toolbar">
          <label class="visually-hidden" for="crew-filter">Filter coworkers</label>
          <input type="search" id="crew-filter" class="filter-input" data-testid="crew-filter" placeholder="Filter: name, role, team, manager, status…" autocomplete="off" spellcheck="false">
          <div class="chips" role="group" aria-label="Show only these states">
            ${CHIPS.map((chip) => html`<button type="button" class="chip chip-${chip}" data-chip="${chip}" aria-pressed="false"><span class="dot" aria-hidden="true"></span>${statusLabel(chip)} <span class="chip-count">0</span></button>`)}
          </div>
        </div>
        <p class="empty" hidden></p>
        <div class="teams"></div>
      </section>`),
  );
  const page = container.querySelector('.crew');
  const input = page.querySelector('[data-testid="crew-filter"]');
  const teamsElement = page.querySelector('.teams');
  const empty = page.querySelector('.empty');
  const summary = page.querySelector('.crew-summary');

  /** id → { card, element, search, section }, in display order. */
  let rows = new Map();
  let sections = [];
  let shown = { teams: undefined, filter: undefined, error: undefined, signature: '' };

  function renderAll(context, teams) {
    teamsElement.innerHTML = teams.map((team) => teamMarkup(context, team)).join('');
    rows = new Map();
    sections = [...teamsElement.querySelectorAll('.team')];
    teams.forEach((team, index) => {
      const section = sections[index];
      const elements = section.querySelectorAll('.crew-rows > [data-coworker-id]');
      team.coworkers.forEach((card, position) => rows.set(card.id, { card, element: elements[position], search: searchText(card), section }));
    });
  }

  /** Same coworkers in the same places: replace only the rows whose card changed (live state). */
  function patchRows(context, teams) {
    for (const team of teams) {
      for (const card of team.coworkers) {
        const row = rows.get(card.id);
        if (row.card === card) continue;
        const element = toElement(rowMarkup(context, card));
        element.hidden = row.element.hidden;
        row.element.replaceWith(element);
        Object.assign(row, { card, element, search: searchText(card) });
      }
    }
  }

  function updateChipCounts() {
    const counts = Object.fromEntries(CHIPS.map((chip) => [chip, 0]));
    for (const { card } of rows.values()) for (const chip of CHIPS) if (chipMatches(chip, card)) counts[chip] += 1;
    for (const button of page.querySelectorAll('[data-chip]')) {
      button.querySelector('.chip-count').textContent = counts[button.dataset.chip].toLocaleString();
      button.hidden = button.dataset.chip === 'notStarted' && counts.notStarted === 0 && button.getAttribute('aria-pressed') !== 'true';
    }
  }

  function applyFilter(filter) {
    const terms = filter.text.toLowerCase().split(/\s+/).filter(Boolean);
    const chips = filter.statuses;
    let visible = 0;
    const sectionsWithRows = new Set();
    for (const row of rows.values()) {
      const match = (!chips.length || chips.some((chip) => chipMatches(chip, row.card))) && terms.every((term) => row.search.includes(term));
      if (row.element.hidden === match) row.element.hidden = !match;
      if (match) {
        visible += 1;
        sectionsWithRows.add(row.section);
      }
    }
    for (const section of sections) section.hidden = !sectionsWithRows.has(section);
    for (const button of page.querySelectorAll('[data-chip]')) button.setAttribute('aria-pressed', String(chips.includes(button.dataset.chip)));
    const total = rows.size;
    summary.textContent = visible === total ? `${pluralize(total, 'coworker')} in ${pluralize(sections.length, 'team')}` : `Showing ${visible.toLocaleString()} of ${pluralize(total, 'coworker')}`;
    empty.hidden = visible > 0;
    empty.textContent = total === 0 ? 'No coworkers yet. Put a coworker definition (YAML) in the runtime’s folder and start it.' : 'No coworker matches this filter.';
  }

  input.addEventListener('input', () => {
    const started = performance.now();
    store.trigger.crewFilterChanged({ filter: { text: input.value } });
    // Visible in the browser's performance tools; the filter must stay well under a frame.
    performance.measure('crew-filter', { start: started, end: performance.now() });
  });
  page.querySelector('.chips').addEventListener('click', (event) => {
    const button = event.target.closest('[data-chip]');
    if (!button) return;
    const { statuses } = store.getSnapshot().context.crewFilter;
    const chip = button.dataset.chip;
    store.trigger.crewFilterChanged({ filter: { statuses: statuses.includes(chip) ? statuses.filter((item) => item !== chip) : [...statuses, chip] } });
  });
  // The whole row opens the coworker; the name stays a real link for keyboards and new tabs.
  teamsElement.addEventListener('click', (event) => {
    if (event.target.closest('a, button') || window.getSelection()?.toString()) return;
    const row = event.target.closest('[data-coworker-id]');
    if (row) location.hash = `#/coworkers/${encodeURIComponent(row.dataset.coworkerId)}`;
  });

  return {
    update(context) {
      const { teams, error } = context.crew;
      if (error !== shown.error) {
        shown.error = error;
        if (error && !teams) {
          empty.hidden = false;
          empty.textContent = [`Could not load the crew: ${error.message}`, error.hint].filter(Boolean).join(' ');
        }
      }
      if (!teams) {
        if (!error) summary.textContent = 'Loading the crew…';
        return;
      }
      if (teams !== shown.teams) {
        const signature = signatureOf(teams);
        if (signature === shown.signature) patchRows(context, teams);
        else renderAll(context, teams);
        shown = { ...shown, teams, signature, filter: undefined };
        updateChipCounts();
      }
      if (context.crewFilter !== shown.filter) {
        shown.filter = context.crewFilter;
        if (input.value !== context.crewFilter.text) input.value = context.crewFilter.text;
        applyFilter(context.crewFilter);
      }
    },
  };
}
