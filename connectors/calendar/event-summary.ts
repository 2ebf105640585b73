// How one occurrence is shown to a coworker, in `calendar.listEvents` and in
// `calendar.event_starting` alike: the day and clock times in the calendar's zone (the shape of
// the sample calendar), the exact instants, and whether anyone from outside takes part.
import type { Occurrence } from './ics-occurrences.ts';
import { clockOf, dayOf, wallTimeAt } from './zoned-time.ts';

export interface EventSummary {
  uid: string;
  title: string;
  /** YYYY-MM-DD the event starts on, in the calendar's zone. */
  day: string;
  /** HH:MM in the calendar's zone; an all-day event runs 00:00 to 24:00. */
  start: string;
  end: string;
  allDay: boolean;
  startsAt: string;
  endsAt: string;
  attendees: string[];
  /** Someone outside internalDomains takes part; null when internalDomains is not configured. */
  external: boolean | null;
  organizer: string | null;
  location: string | null;
  recurring: boolean;
}

export function summaryOf(occurrence: Occurrence, timeZone: string, internalDomains: readonly string[]): EventSummary {
  const start = wallTimeAt(occurrence.startsAt, timeZone);
  const end = wallTimeAt(occurrence.endsAt, timeZone);
  const attendees = occurrence.attendees.map((attendee) => attendee.email ?? attendee.name).filter((who) => who !== null);
  return {
    uid: occurrence.uid,
    title: occurrence.title,
    day: dayOf(start),
    start: occurrence.allDay ? '00:00' : clockOf(start),
    end: occurrence.allDay ? '24:00' : clockOf(end),
    allDay: occurrence.allDay,
    startsAt: new Date(occurrence.startsAt).toISOString(),
    endsAt: new Date(occurrence.endsAt).toISOString(),
    attendees,
    external: isExternal(occurrence, internalDomains),
    organizer: occurrence.organizer,
    location: occurrence.location,
    recurring: occurrence.recurring,
  };
}

function isExternal(occurrence: Occurrence, internalDomains: readonly string[]): boolean | null {
  if (internalDomains.length === 0) return null;
  const domains = internalDomains.map((domain) => domain.toLowerCase().replace(/^@/, ''));
  const addresses = [occurrence.organizer, ...occurrence.attendees.map((attendee) => attendee.email)].filter((address) => address !== null);
  return addresses.some((address) => {
    const domain = address.slice(address.lastIndexOf('@') + 1);
    return !domains.some((internal) => domain === internal || domain.endsWith(`.${internal}`));
  });
}
