// The `calendar` sample: the same believable working week, repeated every week, in the
// manager's calendar: internal meetings and a few with customers.
import { z } from 'zod';
import { CoworkersError } from '../../protocol/index.ts';
import { defineConnector, type Connector } from '../connector-kit.ts';
import { SAMPLE_SOURCE, addDays, mondayOf, today } from './sample-data.ts';

export type CalendarSample = Connector<'calendar'>;

/** The longest range one call lists, so a call cannot ask for years of events. */
const MAX_DAYS = 31;

/** By weekday, 0 for Monday; times are local to the calendar's time zone. */
const WEEK = [
  { weekday: 0, start: '09:00', end: '09:30', title: 'Sales team stand-up', attendees: ['sales@example.com'] },
  { weekday: 0, start: '14:00', end: '15:00', title: 'Acme Corp - renewal review', attendees: ['jordan.lee@acme.example'] },
  { weekday: 1, start: '11:00', end: '11:45', title: '1:1 with Priya', attendees: ['priya.shah@example.com'] },
  { weekday: 2, start: '10:00', end: '11:00', title: 'Pipeline review', attendees: ['sales@example.com'] },
  { weekday: 2, start: '16:00', end: '16:30', title: 'Globex - pricing call', attendees: ['m.chen@globex.example'] },
  { weekday: 3, start: '13:00', end: '14:00', title: 'Initech - security questionnaire', attendees: ['it@initech.example'] },
  { weekday: 4, start: '15:00', end: '15:30', title: 'Forecast call with finance', attendees: ['finance@example.com'] },
];

export function createCalendarSample(): CalendarSample {
  return defineConnector({
    name: 'calendar',
    description: 'A sample calendar for the offline demo.',
    tools: {
      listEvents: {
        description: 'List the events in a calendar between two days, with their attendees.',
        risk: 'read',
        input: z.strictObject({
          from: z.iso.date().optional().describe("First day, YYYY-MM-DD. Default: this week's Monday."),
          to: z.iso.date().optional().describe('Last day, YYYY-MM-DD. Default: six days after `from`.'),
        }),
        async run({ from, to }) {
          const first = from ?? mondayOf(today());
          const last = to ?? addDays(first, 6);
          if (last < first || last > addDays(first, MAX_DAYS - 1)) {
            throw new CoworkersError('TOOL_FAILED', `calendar.listEvents lists 1 to ${MAX_DAYS} days; ${first} to ${last} is not such a range.`, {
              hint: 'Give `from` and `to` (YYYY-MM-DD) with `to` on or after `from`, at most a month apart.',
            });
          }
          const events = [];
          for (let monday = mondayOf(first); monday <= last; monday = addDays(monday, 7)) {
            for (const event of WEEK) {
              const day = addDays(monday, event.weekday);
              if (day < first || day > last) continue;
              const external = event.attendees.some((address) => !address.endsWith('@example.com'));
              events.push({ day, start: event.start, end: event.end, title: event.title, attendees: event.attendees, external });
            }
          }
          return { source: SAMPLE_SOURCE, timeZone: 'America/New_York', events };
        },
      },
    },
  });
}
