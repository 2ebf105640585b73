// A believable week for the examples, as ICS text to write to a file: a weekly team meeting (a
// recurring event), two customer calls with outside attendees (one starting half an hour after
// `now`, so `calendar.event_starting` fires in a demo) and an all-day event. Times are floating:
// the calendar connector reads them in its `timezone`, which should be the `timeZone` given here.
import { addDays, dayOf, mondayOf, wallTimeAt } from './zoned-time.ts';

export interface ExampleCalendarOptions {
  /** The moment the week is built around (epoch ms). */
  now: number;
  /** The zone the calendar is read in; places the soon-starting call. Default UTC. */
  timeZone?: string;
}

/** Internal attendees are at this domain; configure it as the calendar's `internalDomains`. */
export const EXAMPLE_INTERNAL_DOMAIN = 'example.com';

interface ExampleEvent {
  uid: string;
  title: string;
  /** Local YYYYMMDDTHHMMSS, or YYYYMMDD for an all-day event. */
  start: string;
  end: string;
  attendees: string[];
  rrule?: string;
  location?: string;
  description?: string;
}

export function exampleCalendarIcs({ now, timeZone = 'UTC' }: ExampleCalendarOptions): string {
  const today = dayOf(wallTimeAt(now, timeZone));
  const monday = mondayOf(today);
  const soon = wallTimeAt(now + 30 * 60_000, timeZone);
  // On a five-minute mark, as people book calls.
  const soonStart = Date.UTC(soon.year, soon.month - 1, soon.day, soon.hour, Math.ceil(soon.minute / 5) * 5);
  const local = (day: string, clock: string) => `${compact(day)}T${clock.replace(':', '')}00`;
  const events: ExampleEvent[] = [
    {
      uid: 'sales-team-meeting@example.com',
      title: 'Sales team meeting',
      start: local(addDays(monday, -28), '09:00'),
      end: local(addDays(monday, -28), '09:30'),
      rrule: 'FREQ=WEEKLY;BYDAY=MO',
      attendees: ['priya.shah@example.com', 'marcus.webb@example.com', 'sales@example.com'],
      location: 'Room Atlas',
    },
    {
      uid: `acme-renewal-${monday}@example.com`,
      title: 'Acme Corp - renewal review',
      start: local(addDays(monday, 1), '14:00'),
      end: local(addDays(monday, 1), '15:00'),
      attendees: ['priya.shah@example.com', 'jordan.lee@acme.example'],
      location: 'https://meet.example.com/acme-renewal',
      description: 'Walk through the revised order form and the 5% uplift.',
    },
    {
      uid: `globex-pricing-${today}@example.com`,
      title: 'Globex - pricing call',
      start: floating(soonStart),
      end: floating(soonStart + 30 * 60_000),
      attendees: ['marcus.webb@example.com', 'm.chen@globex.example'],
      location: 'https://meet.example.com/globex-pricing',
      description: 'Pricing for 40 seats of the analytics add-on.',
    },
    {
      uid: `sales-kickoff-${monday}@example.com`,
      title: 'Sales kickoff',
      start: compact(addDays(monday, 3)),
      end: compact(addDays(monday, 4)),
      attendees: ['sales@example.com'],
    },
  ];
  const stamp = `${new Date(now).toISOString().replace(/[-:]/g, '').slice(0, 15)}Z`;
  const lines = ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//coworkers//example calendar//EN', 'CALSCALE:GREGORIAN'];
  for (const event of events) lines.push(...eventLines(event, stamp));
  lines.push('END:VCALENDAR');
  return `${lines.join('\r\n')}\r\n`;
}

function eventLines(event: ExampleEvent, stamp: string): string[] {
  const date = event.start.length === 8 ? ';VALUE=DATE' : '';
  return [
    'BEGIN:VEVENT',
    `UID:${event.uid}`,
    `DTSTAMP:${stamp}`,
    `DTSTART${date}:${event.start}`,
    `DTEND${date}:${event.end}`,
    ...(event.rrule ? [`RRULE:${event.rrule}`] : []),
    `SUMMARY:${event.title}`,
    ...(event.location ? [`LOCATION:${event.location}`] : []),
    ...(event.description ? [`DESCRIPTION:${event.description}`] : []),
    'ORGANIZER:mailto:priya.shah@example.com',
    ...event.attendees.map((address) => `ATTENDEE;PARTSTAT=ACCEPTED:mailto:${address}`),
    'END:VEVENT',
  ];
}

const compact = (day: string) => day.replaceAll('-', '');

/** A wall time held as if it were UTC, written as a floating ICS time. */
function floating(wallAsUtc: number): string {
  return new Date(wallAsUtc).toISOString().replace(/[-:]/g, '').slice(0, 15);
}
