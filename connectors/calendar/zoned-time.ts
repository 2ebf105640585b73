// Wall-clock time in an IANA time zone, through Intl: what a calendar day and a clock time are in
// the calendar's zone, and which instant a local time names. Days are YYYY-MM-DD strings.

export interface WallTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

const DAY_MS = 86_400_000;
const formatters = new Map<string, Intl.DateTimeFormat>();

export function isTimeZone(name: string): boolean {
  try {
    formatterFor(name);
    return true;
  } catch {
    return false;
  }
}

function formatterFor(zone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(zone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(zone, formatter);
  }
  return formatter;
}

export function wallTimeAt(instant: number, zone: string): WallTime {
  const parts = Object.fromEntries(formatterFor(zone).formatToParts(instant).map((part) => [part.type, Number(part.value)]));
  return { year: parts.year!, month: parts.month!, day: parts.day!, hour: parts.hour!, minute: parts.minute!, second: parts.second! };
}

/** The instant a local time names; a time skipped by a DST change moves forward, as clocks do. */
export function instantOf(wall: WallTime, zone: string): number {
  const asUtc = wallAsUtc(wall);
  const first = asUtc - offsetAt(asUtc, zone);
  const second = asUtc - offsetAt(first, zone);
  if (first === second) return first;
  const named = [first, second].find((instant) => asUtc === wallAsUtc(wallTimeAt(instant, zone)));
  return named ?? Math.max(first, second);
}

function wallAsUtc(wall: WallTime): number {
  return Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second);
}

function offsetAt(instant: number, zone: string): number {
  return wallAsUtc(wallTimeAt(instant, zone)) - Math.floor(instant / 1000) * 1000;
}

const pad = (value: number) => String(value).padStart(2, '0');

export function dayOf(wall: WallTime): string {
  return `${String(wall.year).padStart(4, '0')}-${pad(wall.month)}-${pad(wall.day)}`;
}

export function clockOf(wall: WallTime): string {
  return `${pad(wall.hour)}:${pad(wall.minute)}`;
}

/** The instant a day starts (local midnight) in the zone. */
export function startOfDay(day: string, zone: string): number {
  const [year, month, date] = day.split('-').map(Number) as [number, number, number];
  return instantOf({ year, month, day: date, hour: 0, minute: 0, second: 0 }, zone);
}

export function addDays(day: string, days: number): string {
  return new Date(Date.parse(day) + days * DAY_MS).toISOString().slice(0, 10);
}

/** The Monday of the week `day` falls in (weeks run Monday to Sunday). */
export function mondayOf(day: string): string {
  const weekday = new Date(Date.parse(day)).getUTCDay();
  return addDays(day, -((weekday + 6) % 7));
}
