import { describe, expect, it } from 'vitest';
import { isOnDuty, nextShiftChange, shiftAt } from './working-hours.ts';

const weekdays = { days: ['mon', 'tue', 'wed', 'thu', 'fri'] as const, start: '09:00', end: '18:00' };
const hours = { ...weekdays, days: [...weekdays.days] } as { days: Array<'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun'>; start: string; end: string };

describe('working hours', () => {
  it('is on duty inside the hours in the coworker’s own time zone', () => {
    // Monday 2026-11-23 08:30 UTC is 09:30 in Berlin (CET) and 03:30 in New York.
    const at = Date.UTC(2026, 10, 23, 8, 30);
    expect(isOnDuty(hours, 'Europe/Berlin', at)).toBe(true);
    expect(isOnDuty(hours, 'America/New_York', at)).toBe(false);
  });

  it('is off duty at the weekend and at the end minute', () => {
    expect(isOnDuty(hours, 'UTC', Date.UTC(2026, 10, 28, 12, 0))).toBe(false); // Saturday
    expect(isOnDuty(hours, 'UTC', Date.UTC(2026, 10, 27, 18, 0))).toBe(false); // Friday 18:00
    expect(isOnDuty(hours, 'UTC', Date.UTC(2026, 10, 27, 17, 59))).toBe(true);
  });

  it('handles overnight shifts as belonging to the day they start', () => {
    const night = { days: ['fri' as const], start: '22:00', end: '06:00' };
    expect(isOnDuty(night, 'UTC', Date.UTC(2026, 10, 27, 23, 0))).toBe(true); // Fri 23:00
    expect(isOnDuty(night, 'UTC', Date.UTC(2026, 10, 28, 5, 0))).toBe(true); // Sat 05:00
    expect(isOnDuty(night, 'UTC', Date.UTC(2026, 10, 29, 5, 0))).toBe(false); // Sun 05:00
    expect(nextShiftChange(night, 'UTC', Date.UTC(2026, 10, 27, 23, 0))).toBe(Date.UTC(2026, 10, 28, 6, 0));
  });

  it('is on duty all day when the end equals the start', () => {
    const allDay = { days: ['mon' as const], start: '00:00', end: '00:00' };
    expect(isOnDuty(allDay, 'UTC', Date.UTC(2026, 10, 23, 23, 59))).toBe(true); // Monday
    expect(isOnDuty(allDay, 'UTC', Date.UTC(2026, 10, 24, 0, 0))).toBe(false); // Tuesday
    expect(nextShiftChange(allDay, 'UTC', Date.UTC(2026, 10, 23, 12, 0))).toBe(Date.UTC(2026, 10, 24, 0, 0));
  });

  it('finds the next start after a weekend, and the next end during a shift', () => {
    expect(nextShiftChange(hours, 'UTC', Date.UTC(2026, 10, 28, 12, 0))).toBe(Date.UTC(2026, 10, 30, 9, 0));
    expect(nextShiftChange(hours, 'Europe/Berlin', Date.UTC(2026, 10, 23, 8, 30))).toBe(Date.UTC(2026, 10, 23, 17, 0));
  });

  it('follows daylight saving: Berlin moves to UTC+2 on 2026-03-29', () => {
    // Friday 2026-03-27 is still CET (UTC+1); Monday 2026-03-30 is CEST (UTC+2).
    expect(nextShiftChange(hours, 'Europe/Berlin', Date.UTC(2026, 2, 27, 18, 0))).toBe(Date.UTC(2026, 2, 30, 7, 0));
    expect(isOnDuty(hours, 'Europe/Berlin', Date.UTC(2026, 2, 30, 7, 0))).toBe(true);
    expect(isOnDuty(hours, 'Europe/Berlin', Date.UTC(2026, 2, 30, 6, 59))).toBe(false);
  });
});

describe('shiftAt', () => {
  it('answers like isOnDuty and nextShiftChange, also after the cached change has passed', () => {
    const friday = Date.UTC(2026, 10, 27, 17, 0);
    expect(shiftAt(hours, 'UTC', friday)).toMatchObject({ onDuty: true, next: Date.UTC(2026, 10, 27, 18, 0) });
    expect(shiftAt(hours, 'UTC', friday + 30 * 60_000)).toMatchObject({ onDuty: true, next: Date.UTC(2026, 10, 27, 18, 0) });
    expect(shiftAt(hours, 'UTC', Date.UTC(2026, 10, 27, 18, 0))).toMatchObject({ onDuty: false, next: Date.UTC(2026, 10, 30, 9, 0) });
    expect(shiftAt(hours, 'UTC', friday)).toMatchObject({ onDuty: true }); // earlier than the cached window
  });
});
