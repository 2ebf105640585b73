// calendar.listEvents and calendar.getEvent end to end through the factory: the example calendar
// read from a file and from a feed served by a local node:http server (re-downloaded once
// `refresh` has passed, served from the last copy while away), and the mistakes a user can make.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isCoworkersError } from '../../protocol/index.ts';
import { createSqliteStore, type Store } from '../../persistence/index.ts';
import type { Connector } from '../connector-kit.ts';
import { toolCall } from '../connector-test-kit.ts';
import { createTestDeps, startFeedServer, type TestDeps } from './calendar-test-kit.ts';
import { calendarFactory, exampleCalendarIcs } from './index.ts';

/** Wednesday 2025-03-12, 11:07 in New York. */
const NOW = Date.parse('2025-03-12T15:07:00Z');
const ZONE = 'America/New_York';
const EXAMPLE = exampleCalendarIcs({ now: NOW, timeZone: ZONE });

let dir: string;
let store: Store;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'calendar-test-'));
  store = createSqliteStore({ path: ':memory:' });
});
afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

async function calendar(settings: Record<string, unknown>, secrets?: Record<string, string>): Promise<{ connector: Connector; deps: TestDeps }> {
  const deps = createTestDeps({ documents: store.documents, baseDir: dir, now: NOW, ...(secrets ? { secrets } : {}) });
  const parsed = calendarFactory.settings.parse({ timezone: ZONE, internalDomains: ['example.com'], ...settings });
  const [connector] = [await calendarFactory.create(parsed, deps)].flat();
  return { connector: connector!, deps };
}

async function listEvents(connector: Connector, args: Record<string, unknown> = {}) {
  const { result } = await connector.call(toolCall('calendar.listEvents', args));
  return result as { timeZone: string; from: string; to: string; untrusted: boolean; events: Array<Record<string, unknown>> };
}

async function failure(promise: Promise<unknown>): Promise<{ code: string; message: string; retryable: boolean; hint?: string }> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!isCoworkersError(error)) throw new Error(`expected a CoworkersError, got ${String(error)}`);
  return error.toJSON();
}

describe('calendar.listEvents from a file', () => {
  it("lists this week's events (Monday to Sunday) in the sample calendar's shape, external ones marked", async () => {
    writeFileSync(join(dir, 'calendar.ics'), EXAMPLE);
    const { connector } = await calendar({ ics: 'calendar.ics' });

    const listed = await listEvents(connector);

    expect(listed).toMatchObject({ timeZone: ZONE, from: '2025-03-10', to: '2025-03-16', untrusted: true });
    expect(listed.events.map(({ day, start, end, title, external }) => ({ day, start, end, title, external }))).toEqual([
      { day: '2025-03-10', start: '09:00', end: '09:30', title: 'Sales team meeting', external: false },
      { day: '2025-03-11', start: '14:00', end: '15:00', title: 'Acme Corp - renewal review', external: true },
      { day: '2025-03-12', start: '11:40', end: '12:10', title: 'Globex - pricing call', external: true },
      { day: '2025-03-13', start: '00:00', end: '24:00', title: 'Sales kickoff', external: false },
    ]);
    expect(listed.events[1]).toMatchObject({
      attendees: ['priya.shah@example.com', 'jordan.lee@acme.example'],
      location: 'https://meet.example.com/acme-renewal',
      startsAt: '2025-03-11T18:00:00.000Z',
      allDay: false,
    });
    expect(listed.events[0]).toMatchObject({ recurring: true, uid: 'sales-team-meeting@example.com' });
    expect(listed.events[3]).toMatchObject({ allDay: true });
  });

  it('repeats the weekly meeting in a later range, and re-reads the file when it changes', async () => {
    writeFileSync(join(dir, 'calendar.ics'), EXAMPLE);
    const { connector } = await calendar({ ics: 'calendar.ics' });
    const nextWeeks = { from: '2025-03-17', to: '2025-03-30' };

    expect((await listEvents(connector, nextWeeks)).events.map((event) => event.day)).toEqual(['2025-03-17', '2025-03-24']);

    writeFileSync(join(dir, 'calendar.ics'), EXAMPLE.replace('RRULE:FREQ=WEEKLY;BYDAY=MO', 'RRULE:FREQ=WEEKLY;BYDAY=MO,TH'));
    expect((await listEvents(connector, nextWeeks)).events.map((event) => event.day)).toEqual(['2025-03-17', '2025-03-20', '2025-03-24', '2025-03-27']);
  });

  it('tells that external is unknown (null) when no internal domain is configured', async () => {
    writeFileSync(join(dir, 'calendar.ics'), EXAMPLE);
    const { connector } = await calendar({ ics: 'calendar.ics', internalDomains: [] });
    expect((await listEvents(connector)).events.map((event) => event.external)).toEqual([null, null, null, null]);
  });

  it('refuses a backwards or too long range, and names a missing file, without retrying', async () => {
    const { connector } = await calendar({ ics: 'missing.ics' });

    expect(await failure(listEvents(connector, { from: '2025-03-12', to: '2025-03-10' }))).toMatchObject({ code: 'TOOL_FAILED', retryable: false });
    expect(await failure(listEvents(connector, { from: '2025-03-01', to: '2025-05-01' }))).toMatchObject({ code: 'TOOL_FAILED', message: expect.stringContaining('1 to 31 days') });
    const missing = await failure(listEvents(connector));
    expect(missing).toMatchObject({ code: 'TOOL_FAILED', retryable: false, message: expect.stringContaining(join(dir, 'missing.ics')) });
    expect(missing.hint).toContain('calendar.ics');
  });
});

describe('calendar.getEvent', () => {
  it("gives one occurrence in full: attendees' replies and the description, marked untrusted", async () => {
    writeFileSync(join(dir, 'calendar.ics'), EXAMPLE);
    const { connector } = await calendar({ ics: 'calendar.ics' });
    const { events } = await listEvents(connector);

    const { result } = await connector.call(toolCall('calendar.getEvent', { uid: events[1]!.uid }));

    expect(result).toMatchObject({
      untrusted: true,
      event: {
        title: 'Acme Corp - renewal review',
        untrustedDescription: 'Walk through the revised order form and the 5% uplift.',
        attendees: [{ email: 'priya.shah@example.com', status: 'ACCEPTED' }, { email: 'jordan.lee@acme.example', name: null, status: 'ACCEPTED' }],
      },
    });
  });

  it('finds the next occurrence of a recurring event, or the one asked for by startsAt', async () => {
    writeFileSync(join(dir, 'calendar.ics'), EXAMPLE);
    const { connector } = await calendar({ ics: 'calendar.ics' });
    const get = async (args: Record<string, unknown>) => ((await connector.call(toolCall('calendar.getEvent', args))).result as { event: { day: string } }).event.day;

    expect(await get({ uid: 'sales-team-meeting@example.com' })).toBe('2025-03-17');
    expect(await get({ uid: 'sales-team-meeting@example.com', startsAt: '2025-02-24T14:00:00.000Z' })).toBe('2025-02-24');
    expect(await failure(connector.call(toolCall('calendar.getEvent', { uid: 'nope' })))).toMatchObject({ code: 'TOOL_FAILED', retryable: false });
  });
});

describe('calendar.listEvents from a feed URL', () => {
  it('downloads the feed once per refresh interval and shows what changed after it', async () => {
    await using feed = await startFeedServer(EXAMPLE);
    const { connector, deps } = await calendar({ ics: `${feed.url}/team.ics`, refresh: '5m' });

    expect((await listEvents(connector)).events).toHaveLength(4);
    feed.serve({ body: EXAMPLE.replace('SUMMARY:Sales kickoff', 'SUMMARY:Sales kickoff (moved online)') });
    expect((await listEvents(connector)).events[3]!.title).toBe('Sales kickoff');
    expect(feed.requests).toEqual(['/team.ics']);

    deps.setNow(NOW + 5 * 60_000);
    expect((await listEvents(connector)).events[3]!.title).toBe('Sales kickoff (moved online)');
    expect(feed.requests).toHaveLength(2);
  });

  it('keeps showing the last copy while the feed is away', async () => {
    await using feed = await startFeedServer(EXAMPLE);
    const { connector, deps } = await calendar({ ics: feed.url, refresh: '1m' });
    await listEvents(connector);

    feed.serve({ status: 503, body: 'maintenance' });
    deps.setNow(NOW + 60_000);
    expect((await listEvents(connector)).events).toHaveLength(4);
    expect(feed.requests).toHaveLength(2);
  });

  it('reads a private URL from its variable and never shows it in an error; a server error is retryable, a 404 is not', async () => {
    await using feed = await startFeedServer('');
    const secretUrl = `${feed.url}/private/s3cr3t-t0ken/basic.ics`;
    const { connector } = await calendar({ urlEnv: 'TEAM_CALENDAR_URL' }, { TEAM_CALENDAR_URL: secretUrl });

    feed.serve({ status: 500 });
    const away = await failure(listEvents(connector));
    feed.serve({ status: 404 });
    const gone = await failure(listEvents(connector));

    expect(feed.requests).toEqual(['/private/s3cr3t-t0ken/basic.ics', '/private/s3cr3t-t0ken/basic.ics']);
    expect(away).toMatchObject({ code: 'TOOL_FAILED', retryable: true, message: expect.stringContaining('the calendar feed in TEAM_CALENDAR_URL') });
    expect(gone).toMatchObject({ code: 'TOOL_FAILED', retryable: false, message: expect.stringContaining('HTTP 404') });
    expect(JSON.stringify([away, gone, connector.description])).not.toContain('s3cr3t-t0ken');
  });

  it('says so when the feed answers something that is not iCalendar', async () => {
    await using feed = await startFeedServer('<html><body>Please sign in</body></html>');
    const { connector } = await calendar({ ics: feed.url });
    expect(await failure(listEvents(connector))).toMatchObject({ code: 'TOOL_FAILED', retryable: false, message: expect.stringContaining('not valid iCalendar') });
  });
});

describe('calendar settings', () => {
  it('want exactly one of ics and urlEnv, a known time zone and durations', () => {
    const problems = (settings: Record<string, unknown>) => calendarFactory.settings.safeParse(settings).error?.issues.map((issue) => issue.message) ?? [];

    expect(problems({ ics: 'a.ics' })).toEqual([]);
    expect(calendarFactory.settings.parse({ ics: 'a.ics' })).toMatchObject({ timezone: 'UTC', startingBefore: '15m', refresh: '5m', internalDomains: [] });
    expect(problems({})[0]).toContain('exactly one of `ics`');
    expect(problems({ ics: 'a.ics', urlEnv: 'URL' })[0]).toContain('exactly one of `ics`');
    expect(problems({ ics: 'a.ics', timezone: 'Mars/Olympus' })[0]).toContain('unknown time zone');
    expect(problems({ ics: 'a.ics', startingBefore: 'soon' })).toHaveLength(1);
  });

  it('refuses a urlEnv that holds no URL when the connector is made', async () => {
    const error = await failure(calendar({ urlEnv: 'TEAM_CALENDAR_URL' }, { TEAM_CALENDAR_URL: 'calendar.ics' }));
    expect(error).toMatchObject({ code: 'CONFIG_INVALID', message: expect.stringContaining('TEAM_CALENDAR_URL') });
  });
});
