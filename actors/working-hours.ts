// Whether a coworker is on duty, in its own time zone, and when that changes next.
import { Cron } from 'croner';
import type { WorkingHours } from '../protocol/index.ts';

const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;

function minutes(clock: string): number {
  const [hours, mins] = clock.split(':').map(Number) as [number, number];
  return hours * 60 + mins;
}

function localTime(at: number, timeZone: string): { day: (typeof WEEKDAYS)[number]; minute: number } {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone, weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(at);
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
