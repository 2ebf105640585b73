// Whether a coworker is on duty, in its own time zone, and when that changes next.
import { Cron } from 'croner';
import type { WorkingHours } from '../protocol/index.ts';

const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;

function minutes(clock: string): number {
  const [hours, mins] = clock.split(':').map(Number) as [number, number];
  return hours * 60 + mins;
}

// Building a formatter costs far more than using one, and thousands of coworkers share a few zones.
const formatters = new Map<string, Intl.DateTimeFormat>();

function localTime(at: number, timeZone: string): { day: (typeof WEEKDAYS)[number]; minute: number } {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', { timeZone, weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    formatters.set(timeZone, formatter);
  }
  const parts = formatter.formatToParts(at);
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return { day: part('weekday').toLowerCase() as (typeof WEEKDAYS)[number], minute: Number(part('hour')) * 60 + Number(part('minute')) };
}

export function isOnDuty(hours: WorkingHours, timeZone: string, at: number): boolean {
  const { day, minute } = localTime(at, timeZone);
  const start = minutes(hours.start);
  const end = minutes(hours.end);
  if (start === end) return hours.days.includes(day);
  if (start < end) return hours.days.includes(day) && minute >= start && minute < end;
  // An overnight shift belongs to the day it starts on.
  const yesterday = WEEKDAYS[(WEEKDAYS.indexOf(day) + 6) % 7]!;
  return (hours.days.includes(day) && minute >= start) || (hours.days.includes(yesterday) && minute < end);
}

/** Epoch ms of the next shift start or end after `at`, computed by croner in the time zone. */
export function nextShiftChange(hours: WorkingHours, timeZone: string, at: number): number | null {
  const days = hours.days.map((day) => WEEKDAYS.indexOf(day));
  const overnight = minutes(hours.start) >= minutes(hours.end);
  const endDays = overnight ? days.map((day) => (day + 1) % 7) : days;
  const cronAt = (clock: string, on: number[]) => {
    const [h, m] = clock.split(':').map(Number);
    return new Cron(`${m} ${h} * * ${on.join(',')}`, { timezone: timeZone, paused: true }).nextRun(new Date(at))?.getTime() ?? null;
  };
  const candidates = [cronAt(hours.start, days), cronAt(hours.end, endDays)].filter((t): t is number => t !== null);
  return candidates.length ? Math.min(...candidates) : null;
}

/**
 * Whether a coworker is on duty at `at` and when that next changes. Coworkers with the same hours
 * and zone share one answer until that change, so starting 10,000 of them costs a few lookups.
 */
const shifts = new Map<string, { from: number; onDuty: boolean; next: number | null }>();

export function shiftAt(hours: WorkingHours, timeZone: string, at: number): { onDuty: boolean; next: number | null } {
  const key = `${timeZone}|${hours.start}|${hours.end}|${hours.days.join(',')}`;
  const cached = shifts.get(key);
  if (cached && at >= cached.from && (cached.next === null || at < cached.next)) return cached;
  const fresh = { from: at, onDuty: isOnDuty(hours, timeZone, at), next: nextShiftChange(hours, timeZone, at) };
  shifts.set(key, fresh);
  return fresh;
}
