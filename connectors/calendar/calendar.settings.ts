// The `calendar:` section of connectors.yaml: where the ICS feed is, the calendar's time zone,
// how long before an event `calendar.event_starting` fires, and how often a feed is re-read.
import { z } from 'zod';
import { durationSchema } from '../../protocol/index.ts';
import { isTimeZone } from './zoned-time.ts';

export const calendarSettings = z
  .strictObject({
    ics: z
      .string()
      .min(1)
      .optional()
      .describe('The calendar: a path to an .ics file (relative to the folder of connectors.yaml) or the http(s) URL of an ICS feed.'),
    urlEnv: z
      .string()
      .min(1)
      .optional()
      .describe('Instead of `ics`: the environment variable holding a private feed URL (such a URL is a secret, e.g. Google\'s "secret address in iCal format").'),
    timezone: z
      .string()
      .refine(isTimeZone, 'unknown time zone: use an IANA name such as "Europe/Berlin" or "America/New_York"')
      .default('UTC')
      .describe('IANA time zone the calendar is read in: days, clock times, all-day and floating events.'),
    startingBefore: durationSchema.default('15m').describe('How long before an event `calendar.event_starting` is emitted, e.g. "15m".'),
    refresh: durationSchema.default('5m').describe('How often a feed URL is downloaded again, e.g. "5m"; a file is re-read when it changes.'),
    internalDomains: z
      .array(z.string().min(1))
      .default([])
      .describe('Email domains of your own organization, e.g. ["example.com"]; an attendee at any other domain makes an event external. Empty: external is unknown (null).'),
  })
  .refine((settings) => (settings.ics === undefined) !== (settings.urlEnv === undefined), {
    message: 'give the calendar as exactly one of `ics` (a file path or a public URL) or `urlEnv` (the variable holding a private URL)',
  });

export type CalendarSettings = z.output<typeof calendarSettings>;
