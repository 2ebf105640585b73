// Where to start expanding a recurring event so that only the asked window costs time: ical.js
// walks a rule one occurrence at a time from DTSTART, and a daily meeting set up years ago would
// otherwise be walked through on every check. A rule repeats the same way every INTERVAL periods,
// so starting a whole number of periods later gives the same occurrences from there on.
import ICAL from 'ical.js';

type IcalTime = InstanceType<typeof ICAL.Time>;
type IcalEvent = InstanceType<typeof ICAL.Event>;
type Unit = 'day' | 'week' | 'month' | 'year';

const UNITS: Record<string, Unit> = { DAILY: 'day', WEEKLY: 'week', MONTHLY: 'month', YEARLY: 'year' };
const DAY_MS = 86_400_000;

/**
 * A start for `event.iterator()` before `before`, a whole number of periods after DTSTART;
 * DTSTART itself for a rule counted from it (COUNT), several rules, or sub-daily rules. The start
 * is always yielded first even where the rule would not, so it must end before the window.
 */
export function iterationStart(event: IcalEvent, before: number, instantOf: (time: IcalTime) => number): IcalTime {
  const start = event.startDate;
  const rules = event.component.getAllProperties('rrule');
  const rule = rules.length === 1 ? (rules[0]!.getFirstValue() as InstanceType<typeof ICAL.Recur>) : undefined;
  const unit = rule?.freq ? UNITS[rule.freq] : undefined;
  if (!rule || !unit || rule.count) return start;
  const interval = rule.interval || 1;
  for (let units = Math.floor(unitsBetween(start, before, unit) / interval) * interval; units > 0; units -= interval) {
    const candidate = shifted(start, unit, units);
    if (candidate && instantOf(candidate) < before) return candidate;
  }
  return start;
}

function unitsBetween(start: IcalTime, before: number, unit: Unit): number {
  const target = new Date(before);
  const days = Math.floor((before - Date.UTC(start.year, start.month - 1, start.day)) / DAY_MS);
  if (unit === 'day') return days;
  if (unit === 'week') return Math.floor(days / 7);
  const months = (target.getUTCFullYear() - start.year) * 12 + target.getUTCMonth() + 1 - start.month;
  return unit === 'month' ? months : Math.floor(months / 12);
}

/** The start moved by whole units, keeping its time of day; null where that day does not exist (a 31st, a 29th of February). */
function shifted(start: IcalTime, unit: Unit, units: number): IcalTime | null {
  const { year, month, day } = start;
  const date = new Date(
    unit === 'day'
      ? Date.UTC(year, month - 1, day + units)
      : unit === 'week'
        ? Date.UTC(year, month - 1, day + 7 * units)
        : unit === 'month'
          ? Date.UTC(year, month - 1 + units, day)
          : Date.UTC(year + units, month - 1, day),
  );
  if (date.getUTCDate() !== day && (unit === 'month' || unit === 'year')) return null;
  const fields = { year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate(), isDate: start.isDate };
  return new ICAL.Time(start.isDate ? fields : { ...fields, hour: start.hour, minute: start.minute, second: start.second }, start.zone);
}
