// The audit trail of one coworker, newest first, filtered by job, run, kind and time; each entry
// opens to its ids and detail JSON. New entries that match the filters arrive live.
import { setAuditFilters } from '../actions.js';
import { fullTime, html, pluralize, prettyJson, relativeText } from '../format.js';
import { emptyAuditFilters, personName, store } from '../store.js';
import { patchList } from './keyed-list.js';

const kindTone = (kind) =>
  /failed|refused|exceeded|^blocked$|cancelled/.test(kind) ? 'bad' : kind.startsWith('approval.') || kind === 'escalated' ? 'warn' : kind.startsWith('tool.') ? 'info' : 'plain';

function entryMarkup(context, entry) {
  const ids = [['run', entry.runId], ['job', entry.jobId], ['approval', entry.approvalId]].filter(([, value]) => value);
  const hasMore = ids.length > 0 || entry.detail;
  return html`<tr data-entry-id="${entry.id}">
    <td class="nowrap"><time datetime="${new Date(entry.at).toISOString()}" title="${relativeText(entry.at)}">${fullTime(entry.at)}</time></td>
    <td><span class="tag kind-${kindTone(entry.kind)}">${entry.kind}</span></td>
    <td>${personName(context, entry.by)}</td>
    <td>${entry.tool ? html`<code>${entry.tool}</code>` : html`<span class="muted">—</span>`}</td>
    <td>${hasMore
      ? html`<details><summary>${entry.summary}</summary>
          ${ids.length ? html`<p class="sub">${ids.map(([label, value], index) => html`${index ? ' · ' : ''}${label} <code>${value}</code>`)}</p>` : ''}
          ${entry.detail ? html`<pre class="code-block">${prettyJson(entry.detail)}</pre>` : ''}
        </details>`
      : entry.summary}</td>
  </tr>`;
}

export function createAuditView(container) {
  container.insertAdjacentHTML(
    'beforeend',
    String(html`
      <section class="audit page" aria-labelledby="audit-title">
        <div class="page-head">
          <h1 id="audit-title">Audit trail</h1>
          <p class="muted audit-summary" role="status"></p>
        </div>
        <form class="filters card" aria-label="Filter the audit trail">
          <label>Coworker <select name="coworker" required></select></label>
          <label>Job <input name="job" placeholder="any job" autocomplete="off" spellcheck="false"></label>
          <label>Run <input name="run" placeholder="any run (task id)" autocomplete="off" spellcheck="false"></label>
          <label>Kind <select name="kind"><option value="">any kind</option></select></label>
          <label>Since <input type="datetime-local" name="since"></label>
          <label>Until <input type="datetime-local" name="until"></label>
          <div class="filter-buttons">
            <button type="submit" class="button primary">Apply</button>
            <button type="button" class="button subtle" data-clear>Clear</button>
          </div>
        </form>
        <p class="empty" hidden></p>
        <div class="card table-wrap">
          <table class="table audit-table" data-testid="audit-table">
            <colgroup><col class="col-time"><col class="col-kind"><col class="col-by"><col class="col-tool"><col></colgroup>
            <thead><tr><th scope="col">Time</th><th scope="col">Kind</th><th scope="col">By</th><th scope="col">Tool</th><th scope="col">Summary</th></tr></thead>
            <tbody></tbody>
          </table>
        </div>
      </section>`),
  );
  const page = container.querySelector('.audit');
  const form = page.querySelector('form');
  const body = page.querySelector('tbody');
  const summary = page.querySelector('.audit-summary');
  const empty = page.querySelector('.empty');

  const formFilters = () => Object.fromEntries(Object.keys(emptyAuditFilters).map((name) => [name, form.elements[name].value]));
  const differs = (filters) => Object.keys(filters).some((name) => filters[name] !== store.getSnapshot().context.audit.filters[name]);

  form.addEventListener('change', () => {
    const filters = formFilters();
    if (differs(filters)) setAuditFilters(filters);
  });
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    setAuditFilters(formFilters());
  });
  form.querySelector('[data-clear]').addEventListener('click', () => {
    setAuditFilters({ ...emptyAuditFilters, coworker: form.elements.coworker.value });
  });

  const shown = { coworkerOptions: '', kinds: undefined, filters: undefined, entries: undefined, loading: undefined, error: undefined };

  function fillSelect(select, options, value) {
    select.innerHTML = String(html`${options.map(([optionValue, label]) => html`<option value="${optionValue}">${label}</option>`)}`);
    select.value = value;
  }

  return {
    update(context) {
      const { audit } = context;
      const cards = (context.crew.teams ?? []).flatMap((team) => team.coworkers);
      const coworkerOptions = cards.map((card) => card.id).join(',');
      if (coworkerOptions !== shown.coworkerOptions) {
        shown.coworkerOptions = coworkerOptions;
        fillSelect(form.elements.coworker, cards.map((card) => [card.id, `${card.name} (${card.id})`]), audit.filters.coworker);
      }
      if (audit.kindsSeen !== shown.kinds || audit.filters !== shown.filters) {
        shown.kinds = audit.kindsSeen;
        const kinds = audit.filters.kind && !audit.kindsSeen.includes(audit.filters.kind) ? [...audit.kindsSeen, audit.filters.kind] : audit.kindsSeen;
        fillSelect(form.elements.kind, [['', 'any kind'], ...kinds.map((kind) => [kind, kind])], audit.filters.kind);
      }
      if (audit.filters !== shown.filters) {
        shown.filters = audit.filters;
        for (const [name, value] of Object.entries(audit.filters)) if (form.elements[name].value !== value) form.elements[name].value = value;
      }
      if (audit.entries !== shown.entries || audit.loading !== shown.loading || audit.error !== shown.error) {
        Object.assign(shown, { entries: audit.entries, loading: audit.loading, error: audit.error });
        const entries = audit.entries ?? [];
        summary.textContent = audit.loading ? 'Loading…' : audit.entries ? `${pluralize(entries.length, 'entry', 'entries')}, newest first` : '';
        empty.hidden = !audit.error && (audit.loading || !audit.entries || entries.length > 0);
        empty.textContent = audit.error
          ? [`Could not read the audit trail: ${audit.error.message}`, audit.error.hint].filter(Boolean).join(' ')
          : 'No entries match these filters.';
        patchList(body, entries.map((entry) => ({ key: entry.id, inputs: [entry], render: () => entryMarkup(context, entry) })));
      }
    },
  };
}
