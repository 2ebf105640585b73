// Reads iCalendar text with ical.js and lists the occurrences of its events between two instants:
// recurring events (RRULE, RDATE, EXDATE and moved or cancelled single occurrences) are expanded,
// all-day and floating times are read in the calendar's time zone.
import ICAL from 'ical.js';
import { CoworkersError } from '../../protocol/index.ts';
import { iterationStart } from './recurrence-start.ts';
import { instantOf, isTimeZone, startOfDay } from './zoned-time.ts';

type IcalTime = InstanceType<typeof ICAL.Time>;
type IcalEvent = InstanceType<typeof ICAL.Event>;

/** A rule that yields more occurrences than this before the window ends (every minute for years) is cut off. */
const MAX_OCCURRENCES_SCANNED = 100_000;

export interface Attendee {
  email: string | null;
  name: string | null;
  /** PARTSTAT: ACCEPTED, DECLINED, TENTATIVE, NEEDS-ACTION… */
  status: string | null;
}

export interface Occurrence {
  uid: string;
  title: string;
  startsAt: number;
  endsAt: number;
  allDay: boolean;
  recurring: boolean;
  location: string | null;
  organizer: string | null;
  attendees: Attendee[];
  description: string | null;
}

export interface ParsedCalendar {
  /** The occurrences overlapping [from, to), by start. */
  occurrences(from: number, to: number): Occurrence[];
}

export interface ParseOptions {
  /** Where floating and all-day times are placed. */
  timeZone: string;
  /** How errors name the calendar. */
  label: string;
  /** Told once per event whose recurrence cannot be expanded; the rest of the calendar still shows. */
  onSkipped(uid: string, reason: string): void;
}

export function parseCalendar(text: string, { timeZone, label, onSkipped }: ParseOptions): ParsedCalendar {
  const events = eventsOf(parseIcs(text, label));
  const skipped = new Set<IcalEvent>();
  const occurrencesOfEvent = (event: IcalEvent, from: number, to: number): Occurrence[] => {
    try {
      return [...occurrencesOf(event, timeZone, from, to)];
    } catch (error) {
      if (!skipped.has(event)) onSkipped(event.uid ?? '(no uid)', (error as Error).message);
      skipped.add(event);
      return [];
    }
  };
  return {
    occurrences(from, to) {
      const found = events.flatMap((event) => occurrencesOfEvent(event, from, to));
      return found.sort((a, b) => a.startsAt - b.startsAt || a.uid.localeCompare(b.uid));
    },
  };
}

function parseIcs(text: string, label: string): InstanceType<typeof ICAL.Component> {
  try {
    const root = new ICAL.Component(ICAL.parse(text));
    if (root.name !== 'vcalendar') throw new Error(`it holds a ${root.name.toUpperCase()}, not a VCALENDAR`);
    return root;
  } catch (error) {
    throw new CoworkersError('TOOL_FAILED', `The calendar ${label} is not valid iCalendar (ICS): ${(error as Error).message}`, {
      hint: 'Point calendar.ics (or the feed URL) at an .ics file or an ICS feed, such as a calendar\'s "iCal" export address.',
      cause: error,
    });
  }
}

/** One Event per series, with its moved or cancelled occurrences related to it. */
function eventsOf(root: InstanceType<typeof ICAL.Component>): IcalEvent[] {
  const components = root.getAllSubcomponents('vevent');
  const series = new Map<string, IcalEvent>();
  const singles: IcalEvent[] = [];
  for (const component of components) {
    if (component.hasProperty('recurrence-id')) continue;
    const event = new ICAL.Event(component);
    if (event.uid) series.set(event.uid, event);
    else singles.push(event);
  }
  for (const component of components) {
    if (!component.hasProperty('recurrence-id')) continue;
    const exception = new ICAL.Event(component);
    const master = series.get(exception.uid);
    // A feed may hold an occurrence of a series whose first event it left out: show it alone.
    if (master) master.relateException(exception);
    else singles.push(exception);
  }
  return [...series.values(), ...singles];
}

function* occurrencesOf(event: IcalEvent, zone: string, from: number, to: number): Generator<Occurrence> {
  if (!event.isRecurring()) {
    const occurrence = occurrenceOf(event, event.startDate, event.endDate, zone, false);
    if (occurrence && overlaps(occurrence, from, to)) yield occurrence;
    return;
  }
  // A moved occurrence shows at its new time, however far from its original one it moved.
  const moved = Object.values(event.exceptions);
  for (const exception of moved) {
    const occurrence = occurrenceOf(exception, exception.startDate, exception.endDate, zone, true);
    if (occurrence && overlaps(occurrence, from, to)) yield occurrence;
  }
  const startZone = tzidOf(event, 'dtstart');
  const instant = (time: IcalTime) => instantOfTime(time, startZone, zone);
  // Early enough for an occurrence that began before the window and still runs in it.
  const before = from - (instantOfTime(event.endDate, tzidOf(event, 'dtend') ?? startZone, zone) - instant(event.startDate));
  const iterator = event.iterator(iterationStart(event, before, instant));
  for (let scanned = 0, next = iterator.next(); next && scanned < MAX_OCCURRENCES_SCANNED; next = iterator.next(), scanned++) {
    if (instant(next) >= to) return;
    if (next.toString() in event.exceptions) continue;
    const details = event.getOccurrenceDetails(next);
    const occurrence = occurrenceOf(details.item, details.startDate, details.endDate, zone, true);
    if (occurrence && overlaps(occurrence, from, to)) yield occurrence;
  }
}

function overlaps(occurrence: Occurrence, from: number, to: number): boolean {
  return occurrence.startsAt < to && (occurrence.endsAt > from || occurrence.startsAt >= from);
}

/** Null for a cancelled occurrence. */
function occurrenceOf(item: IcalEvent, start: IcalTime, end: IcalTime, zone: string, recurring: boolean): Occurrence | null {
  if (String(item.component.getFirstPropertyValue('status') ?? '').toUpperCase() === 'CANCELLED') return null;
  const startZone = tzidOf(item, 'dtstart');
  const startsAt = instantOfTime(start, startZone, zone);
  return {
    uid: item.uid ?? '',
    title: item.summary ?? '(no title)',
    startsAt,
    endsAt: Math.max(startsAt, instantOfTime(end, tzidOf(item, 'dtend') ?? startZone, zone)),
    allDay: start.isDate,
    recurring,
    location: item.location || null,
    organizer: addressOf(item.organizer),
    attendees: item.attendees.filter(isPerson).map(attendeeOf),
    description: item.description || null,
  };
}

function tzidOf(item: IcalEvent, property: 'dtstart' | 'dtend'): string | null {
  const tzid = item.component.getFirstProperty(property)?.getParameter('tzid');
  return typeof tzid === 'string' ? tzid : null;
}

/**
 * UTC times and times with a VTIMEZONE in the file are exact; a TZID without one (common in
 * hand-made feeds) is read as an IANA name; floating and all-day times are local to the calendar.
 */
function instantOfTime(time: IcalTime, tzid: string | null, zone: string): number {
  const { year, month, day } = time;
  if (time.isDate) return startOfDay(`${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`, zone);
  if (time.zone?.tzid && time.zone.tzid !== 'floating') return time.toUnixTime() * 1000;
  const wallZone = tzid && isTimeZone(tzid) ? tzid : zone;
  return instantOf({ year, month, day, hour: time.hour, minute: time.minute, second: time.second }, wallZone);
}

/** Rooms and equipment are attendees in iCalendar, not people. */
function isPerson(attendee: InstanceType<typeof ICAL.Property>): boolean {
  const kind = attendee.getParameter('cutype');
  return typeof kind !== 'string' || !['ROOM', 'RESOURCE'].includes(kind.toUpperCase());
}

function attendeeOf(attendee: InstanceType<typeof ICAL.Property>): Attendee {
  const name = attendee.getParameter('cn');
  const status = attendee.getParameter('partstat');
  return {
    email: addressOf(attendee.getFirstValue()),
    name: typeof name === 'string' ? name : null,
    status: typeof status === 'string' ? status.toUpperCase() : null,
  };
}

/** `mailto:Jordan.Lee@acme.example` → `jordan.lee@acme.example`; anything else that is not an address → null. */
function addressOf(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const address = value.replace(/^mailto:/i, '').trim().toLowerCase();
  return address.includes('@') ? address : null;
}
