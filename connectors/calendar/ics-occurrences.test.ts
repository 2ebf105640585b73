// Reading ICS text: recurring events expanded in a window (with excluded, moved and cancelled
// occurrences), time zones from a VTIMEZONE, from a bare IANA TZID and from the calendar's zone
// (floating and all-day times), and a clear error for text that is not iCalendar.
import ICAL from 'ical.js';
import { describe, expect, it } from 'vitest';
import { isCoworkersError } from '../../protocol/index.ts';
import { parseCalendar, type Occurrence } from './ics-occurrences.ts';
import { instantOf, startOfDay } from './zoned-time.ts';

const ics = (...events: string[][]) =>
  ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//coworkers//test//EN', ...NEW_YORK, ...events.flat(), 'END:VCALENDAR'].join('\r\n');

const event = (...lines: string[]) => ['BEGIN:VEVENT', 'DTSTAMP:20240101T000000Z', ...lines, 'END:VEVENT'];

const NEW_YORK = [
  'BEGIN:VTIMEZONE',
  'TZID:America/New_York',
  'BEGIN:DAYLIGHT',
  'TZOFFSETFROM:-0500',
  'TZOFFSETTO:-0400',
  'DTSTART:19700308T020000',
  'RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU',
  'END:DAYLIGHT',
  'BEGIN:STANDARD',
  'TZOFFSETFROM:-0400',
  'TZOFFSETTO:-0500',
  'DTSTART:19701101T020000',
  'RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=1SU',
  'END:STANDARD',
  'END:VTIMEZONE',
];

function thrownBy(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}

const onSkipped = (uid: string, reason: string) => {
  throw new Error(`${uid} was skipped: ${reason}`);
};

const at = (iso: string) => Date.parse(iso);
const starts = (found: Occurrence[]) => found.map((occurrence) => new Date(occurrence.startsAt).toISOString());

describe('recurring events', () => {
  const weekly = ics(
    event(
      'UID:weekly',
      'SUMMARY:Team meeting',
      'DTSTART;TZID=America/New_York:20240304T090000',
      'DTEND;TZID=America/New_York:20240304T093000',
      'RRULE:FREQ=WEEKLY;BYDAY=MO;COUNT=6',
      'EXDATE;TZID=America/New_York:20240318T090000',
    ),
    event(
      'UID:weekly',
      'SUMMARY:Team meeting (moved)',
      'RECURRENCE-ID;TZID=America/New_York:20240311T090000',
      'DTSTART;TZID=America/New_York:20240312T100000',
      'DTEND;TZID=America/New_York:20240312T103000',
    ),
    event('UID:weekly', 'SUMMARY:Team meeting', 'STATUS:CANCELLED', 'RECURRENCE-ID;TZID=America/New_York:20240325T090000', 'DTSTART;TZID=America/New_York:20240325T090000'),
  );

  it('expands a weekly rule across a DST change, leaving out excluded and cancelled occurrences and moving a moved one', () => {
    const found = parseCalendar(weekly, { timeZone: 'UTC', label: 'test', onSkipped }).occurrences(at('2024-03-01T00:00:00Z'), at('2024-05-01T00:00:00Z'));
    // 09:00 in New York is 14:00 UTC before the switch to daylight time on March 10th, 13:00 after.
    expect(starts(found)).toEqual(['2024-03-04T14:00:00.000Z', '2024-03-12T14:00:00.000Z', '2024-04-01T13:00:00.000Z', '2024-04-08T13:00:00.000Z']);
    expect(found.map((occurrence) => occurrence.title)).toEqual(['Team meeting', 'Team meeting (moved)', 'Team meeting', 'Team meeting']);
    expect(found.every((occurrence) => occurrence.recurring && occurrence.uid === 'weekly')).toBe(true);
    expect(found[2]!.endsAt - found[2]!.startsAt).toBe(30 * 60_000);
  });

  it('lists only the occurrences inside the window, also of a rule that started years before it', () => {
    const daily = ics(event('UID:daily', 'SUMMARY:Stand-up', 'DTSTART:20150105T083000Z', 'DURATION:PT15M', 'RRULE:FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR'));
    const found = parseCalendar(daily, { timeZone: 'UTC', label: 'test', onSkipped }).occurrences(at('2024-06-07T00:00:00Z'), at('2024-06-11T00:00:00Z'));
    expect(starts(found)).toEqual(['2024-06-07T08:30:00.000Z', '2024-06-10T08:30:00.000Z']);
  });

  it('includes an occurrence that began before the window and is still running in it', () => {
    const found = parseCalendar(weekly, { timeZone: 'UTC', label: 'test', onSkipped }).occurrences(at('2024-03-04T14:15:00Z'), at('2024-03-05T00:00:00Z'));
    expect(starts(found)).toEqual(['2024-03-04T14:00:00.000Z']);
  });
});

describe('a rule expanded in a window years after it began', () => {
  // Windows around a DST change in each direction and a new year.
  const windows = [
    ['2024-03-04T00:00:00Z', '2024-03-18T00:00:00Z'],
    ['2024-10-28T00:00:00Z', '2024-12-02T00:00:00Z'],
    ['2025-12-29T00:00:00Z', '2026-01-12T00:00:00Z'],
  ].map(([from, to]) => [at(from!), at(to!)] as const);
  const cases = [
    ...[
      'FREQ=DAILY;INTERVAL=3',
      'FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR',
      'FREQ=WEEKLY',
      'FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,TH;WKST=SU',
      'FREQ=WEEKLY;INTERVAL=3',
      'FREQ=WEEKLY;BYDAY=MO;UNTIL=20241111T000000Z',
      'FREQ=MONTHLY',
      'FREQ=MONTHLY;INTERVAL=2;BYDAY=-1FR',
      'FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1',
      'FREQ=YEARLY;INTERVAL=2;BYMONTH=11;BYDAY=4TH',
    ].map((rule) => ['20210131T093000', rule]),
    ['20200229T093000', 'FREQ=YEARLY'],
    ['20200229T093000', 'FREQ=MONTHLY;INTERVAL=5'],
  ];

  it.each(cases)('from %s with %s: the same occurrences as walking the rule from its start', (start, rule) => {
    const text = ics(event('UID:rule', 'SUMMARY:Rule', `DTSTART;TZID=America/New_York:${start}`, 'DURATION:PT45M', `RRULE:${rule}`));
    const calendar = parseCalendar(text, { timeZone: 'UTC', label: 'test', onSkipped });
    const walked = walkedStarts(text, windows.at(-1)![1]);
    for (const [from, to] of windows) {
      const expected = walked.filter((startsAt) => startsAt < to && startsAt + 45 * 60_000 > from).map((startsAt) => new Date(startsAt).toISOString());
      expect(starts(calendar.occurrences(from, to))).toEqual(expected);
    }
  });

  /** Every start of the file's one event before `until`, walked by ical.js from DTSTART. */
  function walkedStarts(text: string, until: number): number[] {
    const event = new ICAL.Event(new ICAL.Component(ICAL.parse(text)).getFirstSubcomponent('vevent')!);
    const found: number[] = [];
    const iterator = event.iterator();
    for (let next = iterator.next(); next && next.toUnixTime() * 1000 < until; next = iterator.next()) found.push(next.toUnixTime() * 1000);
    return found;
  }
});

describe('time zones and all-day events', () => {
  const mixed = ics(
    event('UID:berlin', 'SUMMARY:Berlin call', 'DTSTART;TZID=Europe/Berlin:20240305T090000', 'DTEND;TZID=Europe/Berlin:20240305T100000'),
    event('UID:floating', 'SUMMARY:Lunch', 'DTSTART:20240305T120000', 'DURATION:PT1H'),
    event('UID:utc', 'SUMMARY:Deploy', 'DTSTART:20240306T120000Z', 'DTEND:20240306T123000Z'),
    event('UID:holiday', 'SUMMARY:Holiday', 'DTSTART;VALUE=DATE:20240307', 'DTEND;VALUE=DATE:20240308'),
    event('UID:offsite', 'SUMMARY:Offsite', 'DTSTART;VALUE=DATE:20240308', 'DTEND;VALUE=DATE:20240311'),
  );
  const inTokyo = parseCalendar(mixed, { timeZone: 'Asia/Tokyo', label: 'test', onSkipped }).occurrences(at('2024-03-01T00:00:00Z'), at('2024-03-31T00:00:00Z'));
  const byUid = (uid: string) => inTokyo.find((occurrence) => occurrence.uid === uid)!;

  it('reads a TZID without a VTIMEZONE as an IANA zone, and a UTC time as it is', () => {
    expect(new Date(byUid('berlin').startsAt).toISOString()).toBe('2024-03-05T08:00:00.000Z');
    expect(new Date(byUid('utc').endsAt).toISOString()).toBe('2024-03-06T12:30:00.000Z');
  });

  it("places floating times and all-day events in the calendar's zone", () => {
    expect(new Date(byUid('floating').startsAt).toISOString()).toBe('2024-03-05T03:00:00.000Z');
    expect(byUid('holiday')).toMatchObject({ allDay: true, startsAt: startOfDay('2024-03-07', 'Asia/Tokyo'), endsAt: startOfDay('2024-03-08', 'Asia/Tokyo') });
    expect(byUid('offsite')).toMatchObject({ allDay: true, startsAt: startOfDay('2024-03-08', 'Asia/Tokyo'), endsAt: startOfDay('2024-03-11', 'Asia/Tokyo') });
    expect(new Date(byUid('holiday').startsAt).toISOString()).toBe('2024-03-06T15:00:00.000Z');
  });

  it('lists occurrences by start', () => {
    expect(inTokyo.map((occurrence) => occurrence.uid)).toEqual(['floating', 'berlin', 'utc', 'holiday', 'offsite']);
  });

  it('moves a local time that a DST change skips forward, and reads a repeated one as its first', () => {
    // New York skipped 02:00-03:00 on 2024-03-10 and repeated 01:00-02:00 on 2024-11-03.
    expect(new Date(instantOf({ year: 2024, month: 3, day: 10, hour: 2, minute: 30, second: 0 }, 'America/New_York')).toISOString()).toBe('2024-03-10T07:30:00.000Z');
    expect(new Date(instantOf({ year: 2024, month: 11, day: 3, hour: 1, minute: 30, second: 0 }, 'America/New_York')).toISOString()).toBe('2024-11-03T05:30:00.000Z');
  });
});

describe('people', () => {
  it('lists organizer and attendees by address with their replies, leaving out rooms', () => {
    const meeting = ics(
      event(
        'UID:people',
        'SUMMARY:Renewal',
        'DTSTART:20240305T150000Z',
        'ORGANIZER;CN=Priya Shah:mailto:Priya.Shah@example.com',
        'ATTENDEE;CN=Jordan Lee;PARTSTAT=ACCEPTED:mailto:jordan.lee@acme.example',
        'ATTENDEE;PARTSTAT=needs-action:mailto:finance@example.com',
        'ATTENDEE;CUTYPE=ROOM;CN=Room Atlas:mailto:atlas@resource.example.com',
        'LOCATION:Room Atlas',
        'DESCRIPTION:Bring the order form.',
      ),
    );
    const [found] = parseCalendar(meeting, { timeZone: 'UTC', label: 'test', onSkipped }).occurrences(at('2024-03-05T00:00:00Z'), at('2024-03-06T00:00:00Z'));
    expect(found).toMatchObject({
      organizer: 'priya.shah@example.com',
      attendees: [
        { email: 'jordan.lee@acme.example', name: 'Jordan Lee', status: 'ACCEPTED' },
        { email: 'finance@example.com', name: null, status: 'NEEDS-ACTION' },
      ],
      location: 'Room Atlas',
      description: 'Bring the order form.',
    });
  });
});

describe('an event that cannot be expanded', () => {
  it('is left out and reported once, while the rest of the calendar shows', () => {
    // ical.js gives up on a rule after 500 excluded occurrences in a row.
    const excluded = Array.from({ length: 1_000 }, (_, day) => new Date(at('2024-01-02T09:00:00Z') + day * 86_400_000).toISOString().replace(/[-:]|\.000/g, ''));
    const text = ics(
      event('UID:excluded', 'SUMMARY:Excluded', 'DTSTART:20240101T090000Z', 'RRULE:FREQ=DAILY', `EXDATE:${excluded.join(',')}`),
      event('UID:fine', 'SUMMARY:Fine', 'DTSTART:20240305T100000Z'),
    );
    const skipped: string[] = [];
    const calendar = parseCalendar(text, { timeZone: 'UTC', label: 'test', onSkipped: (uid, reason) => skipped.push(`${uid}: ${reason}`) });

    expect(calendar.occurrences(at('2024-03-05T00:00:00Z'), at('2024-03-06T00:00:00Z')).map((occurrence) => occurrence.uid)).toEqual(['fine']);
    expect(calendar.occurrences(at('2024-03-05T00:00:00Z'), at('2024-03-06T00:00:00Z'))).toHaveLength(1);
    expect(skipped).toEqual([expect.stringMatching(/^excluded: max tries/)]);
  });
});

describe('text that is not iCalendar', () => {
  it('fails with a TOOL_FAILED that is not retried and names the calendar', () => {
    const error = thrownBy(() => parseCalendar('<html>Sign in</html>', { timeZone: 'UTC', label: 'the team feed', onSkipped }));
    expect(isCoworkersError(error, 'TOOL_FAILED') && !error.retryable).toBe(true);
    expect((error as Error).message).toMatch(/the team feed is not valid iCalendar/);
  });
});
