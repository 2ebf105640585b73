// Markup and wording helpers shared by the views: html`` escapes every interpolated value (server
// data is never trusted as markup), plus times, names and labels in the words people read.

const ESCAPES = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

function escapeHtml(value) {
  return String(value).replace(/[&<>"']/g, (character) => ESCAPES[character]);
}

/** Markup the console built itself; html`` inserts it as is. */
class Markup {
  constructor(text) {
    this.text = text;
  }
  toString() {
    return this.text;
  }
}

function piece(value) {
  if (value instanceof Markup) return value.text;
  if (Array.isArray(value)) return value.map(piece).join('');
  if (value === null || value === undefined || value === false) return '';
  return escapeHtml(value);
}

/** Template tag: literal parts stay markup, every value is escaped unless it is Markup itself. */
export function html(strings, ...values) {
  let out = strings[0];
  for (let index = 0; index < values.length; index += 1) out += piece(values[index]) + strings[index + 1];
  return new Markup(out);
}

/** The first element of some markup, detached, ready to insert. */
export function toElement(markup) {
  const template = document.createElement('template');
  template.innerHTML = String(markup).trim();
  return template.content.firstElementChild;
}

// ---- times ----

const WEEK_MS = 6 * 24 * 60 * 60 * 1000;
const weekdayFormat = new Intl.DateTimeFormat(undefined, { weekday: 'short', hour: '2-digit', minute: '2-digit' });
const dateFormat = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' });
const fullFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });

/** Short and unambiguous: the weekday within the coming or past week, else the date. */
export const absoluteTime = (at) => (Math.abs(at - Date.now()) < WEEK_MS ? weekdayFormat : dateFormat).format(at);
export const fullTime = (at) => fullFormat.format(at);

/** A span of time in the fewest words that still tell it: "45 s", "3 min", "2 h 5 min", "3 d 4 h". */
export function span(ms) {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return minutes % 60 ? `${hours} h ${minutes % 60} min` : `${hours} h`;
  const days = Math.floor(hours / 24);
  return hours % 24 ? `${days} d ${hours % 24} h` : `${days} d`;
}

const sinceText = (since, now = Date.now()) => `for ${span(now - since)}`;

export function relativeText(at, now = Date.now()) {
  const delta = at - now;
  if (Math.abs(delta) < 30_000) return 'now';
  return delta > 0 ? `in ${span(delta)}` : `${span(-delta)} ago`;
}

/** A time that keeps itself current: refreshTimes() rewrites it every few seconds. */
export function liveSince(since) {
  return html`<span class="live-time" data-since="${since}" title="since ${fullTime(since)}">${sinceText(since)}</span>`;
}

export function liveRelative(at) {
  return html`<time class="live-time" datetime="${new Date(at).toISOString()}" data-relative="${at}" title="${fullTime(at)}">${relativeText(at)}</time>`;
}

/** Rewrites every live time under root; the text only changes when the words do. */
export function refreshTimes(root) {
  const now = Date.now();
  for (const element of root.querySelectorAll('[data-since]')) {
    const text = sinceText(Number(element.dataset.since), now);
    if (element.textContent !== text) element.textContent = text;
  }
  for (const element of root.querySelectorAll('[data-relative]')) {
    const text = relativeText(Number(element.dataset.relative), now);
    if (element.textContent !== text) element.textContent = text;
  }
}

// ---- labels ----

const STATUS_LABELS = {
  idle: 'Idle',
  working: 'Working',
  awaitingApproval: 'Awaiting approval',
  blocked: 'Blocked',
  notStarted: 'Not started',
  onDuty: 'On duty',
  offDuty: 'Off duty',
};

export const statusLabel = (status) => STATUS_LABELS[status] ?? String(status);

/** "marketing" → "Marketing", "customer-success" → "Customer success". */
export function teamLabel(id) {
  const words = String(id).replace(/[-_]+/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export function pluralize(count, one, many = `${one}s`) {
  return `${count.toLocaleString()} ${count === 1 ? one : many}`;
}

const AVATAR_HUES = 8; // .hue-0 … .hue-7 in style.css (classes, not inline styles: the CSP)

/**
 * Initials on a color picked from the id. The definition's icon (a Slack emoji name or an image
 * URL) is not drawn: the console loads no external images and cannot count on an emoji font.
 */
export function avatar(coworker, size = '') {
  const initials = String(coworker.name ?? coworker.id).split(/\s+/).map((word) => word.charAt(0)).join('').slice(0, 2).toUpperCase();
  let hash = 0;
  for (const character of String(coworker.id)) hash = (hash * 31 + character.charCodeAt(0)) >>> 0;
  return html`<span class="avatar hue-${hash % AVATAR_HUES} ${size}" aria-hidden="true">${initials}</span>`;
}

/** The state pill every view shows; off duty dims it and says so. */
export function statePill(status, shift) {
  const offDuty = shift === 'offDuty';
  return html`<span class="pill status-${status}${offDuty ? ' off-duty' : ''}" data-testid="state-pill" data-status="${status}"${offDuty ? html` data-shift="offDuty"` : ''}><span class="dot" aria-hidden="true"></span>${statusLabel(status)}${offDuty ? html`<span class="pill-note">· off duty</span>` : ''}</span>`;
}

/** Pretty JSON for people; undefined and cycles cannot occur in server JSON. */
export const prettyJson = (value) => JSON.stringify(value, null, 2);
