// Days in the built-in CRM: plain YYYY-MM-DD strings in UTC, so they sort and compare as text
// and read the same in SQLite, MongoDB and a tool result.

const DAY_MS = 86_400_000;

export function dayOf(epochMs: number): string {
  return new Date(epochMs).toISOString().slice(0, 10);
}

export function addDays(day: string, days: number): string {
  return dayOf(Date.parse(day) + days * DAY_MS);
}

/** Whole days from `earlier` to `later`. */
export function daysBetween(earlier: string, later: string): number {
  return Math.round((Date.parse(later) - Date.parse(earlier)) / DAY_MS);
}

/** The Sunday ending the week (Monday to Sunday) that `day` falls in. */
export function endOfWeek(day: string): string {
  const weekday = new Date(Date.parse(day)).getUTCDay();
  return addDays(day, (7 - weekday) % 7);
}
