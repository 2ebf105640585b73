// What every sample connector shares: the label that marks its output as made up, and the few
// date helpers its made-up data needs (dates are YYYY-MM-DD, computed in UTC).

/** In every sample result, so nobody mistakes it for what a real service said or did. */
export const SAMPLE_SOURCE = 'sample data (no connector configured)';

const DAY_MS = 86_400_000;

export function isoDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}

export function addDays(day: string, days: number): string {
  return isoDate(new Date(Date.parse(day) + days * DAY_MS));
}

/** The Monday of the week `day` falls in (weeks run Monday to Sunday). */
export function mondayOf(day: string): string {
  const weekday = new Date(Date.parse(day)).getUTCDay();
  return addDays(day, -((weekday + 6) % 7));
}

export function today(): string {
  return isoDate(new Date());
}
