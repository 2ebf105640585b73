// The calendar arithmetic of the ads connector: days are YYYY-MM-DD strings, as both reporting
// APIs and their exports write them, and "last week" runs Monday to Sunday.

const DAY_MS = 86_400_000;

export interface Period {
  /** First day, included. */
  from: string;
  /** Last day, included. */
  to: string;
}

export function addDays(day: string, days: number): string {
  return new Date(Date.parse(day) + days * DAY_MS).toISOString().slice(0, 10);
}

/** How many days the period covers, both ends included. */
export function lengthInDays(period: Period): number {
  return Math.round((Date.parse(period.to) - Date.parse(period.from)) / DAY_MS) + 1;
}

/** The calendar day it is at `now` in the time zone (en-CA writes dates as YYYY-MM-DD). */
export function dayIn(timeZone: string, now: number): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
}

/** Monday to Sunday of the week before the one `today` falls in. */
export function weekBefore(today: string): Period {
  const weekday = new Date(Date.parse(today)).getUTCDay();
  const thisMonday = addDays(today, -((weekday + 6) % 7));
  return { from: addDays(thisMonday, -7), to: addDays(thisMonday, -1) };
}

/** The period of the same length that ends the day before `period` starts. */
export function periodBefore(period: Period): Period {
  return { from: addDays(period.from, -lengthInDays(period)), to: addDays(period.from, -1) };
}

export function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}
