// The assignment form on a coworker's page, shown only to people who may assign it (its manager):
// another team and/or another manager, live (POST /api/coworkers/:id/assignment).
import { assignCoworker } from '../actions.js';
import { html } from '../format.js';

const KEEP = '';

function formMarkup(detail) {
  const { assign, coworker, team } = detail;
  const teamField = assign.teams
    ? html`<select id="assign-team" name="team" data-testid="assign-team">${assign.teams.map(
        (option) => html`<option value="${option.id}"${option.id === team.id ? ' selected' : ''}>${option.name}</option>`,
      )}</select>`
    : html`<input id="assign-team" name="team" data-testid="assign-team" value="${team.id}" autocomplete="off" spellcheck="false">`;
  return html`
    <label for="assign-team">Team</label>
    ${teamField}
    <label for="assign-manager">Manager</label>
    <select id="assign-manager" name="manager" data-testid="assign-manager">
      <option value="${KEEP}">${coworker.manager.name} (now)</option>
      ${assign.people.filter((person) => person.id !== coworker.manager.id).map((person) => html`<option value="${person.login}">${person.name}</option>`)}
    </select>
    <div class="button-row"><button type="submit" class="button primary" data-testid="assign-submit">Assign</button></div>`;
}

export function createAssignPanel(container, coworkerId) {
  container.insertAdjacentHTML(
    'beforeend',
    String(html`
      <section class="card panel assign" aria-labelledby="assign-title" data-testid="assign" hidden>
        <h2 id="assign-title">Team and manager</h2>
        <form class="assign-form" hidden></form>
        <p class="muted small assign-result" role="status"></p>
      </section>`),
  );
  const panel = container.querySelector('[data-testid="assign"]');
  const form = panel.querySelector('form');
  const result = panel.querySelector('.assign-result');

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const data = new FormData(form);
    const team = String(data.get('team') ?? '').trim();
    const manager = String(data.get('manager') ?? KEEP);
    assignCoworker(coworkerId, { ...(team ? { team } : {}), ...(manager !== KEEP ? { manager } : {}) });
  });

  // Live state events renew the detail often; the form is rebuilt only when its choices change, so a selection in progress stays.
  const shown = { choices: undefined, state: undefined };
  return {
    update(context) {
      const detail = context.coworker.detail;
      const choices = detail && JSON.stringify([detail.assign, detail.team, detail.coworker.manager]);
      if (detail && choices !== shown.choices) {
        shown.choices = choices;
        form.hidden = !detail.assign;
        if (detail.assign) form.innerHTML = String(formMarkup(detail));
      }
      const state = context.assign.coworkerId === coworkerId ? context.assign : null;
      // Someone who just handed the coworker to another manager loses the form but still reads what happened.
      panel.hidden = form.hidden && !state?.message;
      if (state !== shown.state) {
        shown.state = state;
        form.querySelector('button')?.toggleAttribute('disabled', Boolean(state?.busy));
        result.className = state?.error ? 'form-error assign-result' : 'muted small assign-result';
        result.textContent = state?.error ? [state.error.message, state.error.hint].filter(Boolean).join(' ') : (state?.message ?? '');
      }
    },
  };
}
