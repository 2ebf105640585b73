// calendar.event_starting with a clock the test moves: each timed occurrence is emitted once,
// `startingBefore` ahead, with its data; not again after a restart (on SQLite and on the MongoDB
// store), again after a failed publish, and never for all-day events.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MongoClient } from 'mongodb';
import { afterEach, describe, expect, it } from 'vitest';
import { createMongoStore, createSqliteStore, type Documents } from '../../persistence/index.ts';
import { createCalendarConnector } from './calendar.connector.ts';
import { calendarSettings } from './calendar.settings.ts';
import { silentLogger } from '../connector-test-kit.ts';
import { createTestDeps, waitFor, type TestDeps } from './calendar-test-kit.ts';

const event = (uid: string, ...lines: string[]) => ['BEGIN:VEVENT', `UID:${uid}`, 'DTSTAMP:20250101T000000Z', ...lines, 'END:VEVENT'];
const ICS = [
  'BEGIN:VCALENDAR',
  'VERSION:2.0',
  'PRODID:-//coworkers//test//EN',
  ...event('prep', 'SUMMARY:Prep', 'DTSTART:20250312T155000Z', 'DTEND:20250312T160000Z'),
  ...event(
    'acme',
    'SUMMARY:Acme Corp - renewal call',
    'DTSTART:20250312T160000Z',
    'DTEND:20250312T163000Z',
    'LOCATION:https://meet.example.com/acme',
    'ORGANIZER:mailto:priya.shah@example.com',
    'ATTENDEE:mailto:priya.shah@example.com',
    'ATTENDEE:mailto:jordan.lee@acme.example',
  ),
  ...event('review', 'SUMMARY:Review', 'DTSTART:20250312T160400Z', 'DTEND:20250312T161000Z'),
  ...event('standup', 'SUMMARY:Stand-up', 'DTSTART:20250310T090000Z', 'DURATION:PT15M', 'RRULE:FREQ=DAILY'),
  ...event('holiday', 'SUMMARY:Holiday', 'DTSTART;VALUE=DATE:20250313', 'DTEND;VALUE=DATE:20250314'),
  ...event('deploy', 'SUMMARY:Midnight deploy', 'DTSTART:20250313T000500Z', 'DURATION:PT30M'),
  'END:VCALENDAR',
].join('\r\n');

interface Emitted {
  event: string;
  data: Record<string, unknown>;
  id: string;
}

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function sqliteDocuments(): Documents {
  const store = createSqliteStore({ path: ':memory:' });
  cleanups.push(() => store.close());
  return store.documents;
}

function mongoDocuments(): Documents {
  const client = new MongoClient(process.env.MONGODB_URI ?? '', { serverSelectionTimeoutMS: 2_000 });
  const db = client.db(`calendar_test_${randomBytes(6).toString('hex')}`);
  cleanups.push(async () => {
    try {
      await db.dropDatabase();
    } finally {
      await client.close();
    }
  });
  return createMongoStore({ db }).documents;
}

function calendarFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'calendar-starting-'));
  cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'calendar.ics'), ICS);
  return dir;
}

/** A started calendar connector whose emits are recorded; `publish` may refuse one. */
async function startCalendar(options: { dir: string; documents: Documents; now: string; publish?: (emitted: Emitted) => void }) {
  const deps: TestDeps = createTestDeps({ documents: options.documents, baseDir: options.dir, now: Date.parse(options.now) });
  const settings = calendarSettings.parse({ ics: 'calendar.ics', startingBefore: '15m', internalDomains: ['example.com'] });
  const connector = createCalendarConnector({ settings, deps, checkEveryMs: 10 });
  const emitted: Emitted[] = [];
  const stop = await connector.start({
    logger: silentLogger,
    async emit(event, data, id) {
      options.publish?.({ event, data, id });
      emitted.push({ event, data, id });
    },
  });
  cleanups.push(stop);
  const uids = () => emitted.map((each) => each.data.uid);
  const until = (uid: string) => waitFor(() => uids().includes(uid), `the event of ${uid}`);
  return { emitted, uids, until, stop, setNow: (iso: string) => deps.setNow(Date.parse(iso)) };
}

describe('calendar.event_starting', () => {
  it('emits each occurrence once, when it starts within startingBefore, with the event and minutes until it starts', async () => {
    const calendar = await startCalendar({ dir: calendarFile(), documents: sqliteDocuments(), now: '2025-03-12T15:40:00Z' });

    // Prep starts in 10 minutes; the Acme call, 20 minutes out, is not due yet.
    await calendar.until('prep');
    expect(calendar.uids()).toEqual(['prep']);

    calendar.setNow('2025-03-12T15:46:00Z');
    await calendar.until('acme');
    expect(calendar.emitted.at(-1)).toEqual({
      event: 'calendar.event_starting',
      id: 'acme@2025-03-12T16:00:00.000Z',
      data: {
        uid: 'acme',
        title: 'Acme Corp - renewal call',
        day: '2025-03-12',
        start: '16:00',
        end: '16:30',
        allDay: false,
        startsAt: '2025-03-12T16:00:00.000Z',
        endsAt: '2025-03-12T16:30:00.000Z',
        attendees: ['priya.shah@example.com', 'jordan.lee@acme.example'],
        external: true,
        organizer: 'priya.shah@example.com',
        location: 'https://meet.example.com/acme',
        recurring: false,
        timeZone: 'UTC',
        minutesUntilStart: 14,
        untrusted: true,
      },
    });

    // Prep (now) and Acme (in 10 minutes) are still due, but were emitted already.
    calendar.setNow('2025-03-12T15:50:00Z');
    await calendar.until('review');
    expect(calendar.uids()).toEqual(['prep', 'acme', 'review']);
  });

  it.each([
    ['SQLite', sqliteDocuments],
    ['MongoDB', mongoDocuments],
  ])('does not emit an occurrence again after a restart (%s store)', async (_store, documentsOf) => {
    const dir = calendarFile();
    const documents = documentsOf();
    const first = await startCalendar({ dir, documents, now: '2025-03-12T15:46:00Z' });
    await first.until('acme');
    await first.stop();
    expect(first.uids().sort()).toEqual(['acme', 'prep']);

    const second = await startCalendar({ dir, documents, now: '2025-03-12T15:50:00Z' });
    await second.until('review');
    expect(second.uids()).toEqual(['review']);
  });

  it('emits an occurrence again at the next check when publishing it failed', async () => {
    let acmeAttempts = 0;
    const calendar = await startCalendar({
      dir: calendarFile(),
      documents: sqliteDocuments(),
      now: '2025-03-12T15:46:00Z',
      publish: ({ data }) => {
        if (data.uid === 'acme' && ++acmeAttempts === 1) throw new Error('the bus is away');
      },
    });

    await calendar.until('acme');
    expect(acmeAttempts).toBe(2);
    expect(calendar.uids().filter((uid) => uid === 'acme')).toHaveLength(1);
  });

  it('gives each occurrence of a recurring event its own id, and never emits all-day events', async () => {
    const calendar = await startCalendar({ dir: calendarFile(), documents: sqliteDocuments(), now: '2025-03-12T08:50:00Z' });
    await calendar.until('standup');

    // The holiday begins at midnight, within 15 minutes, like the deploy.
    calendar.setNow('2025-03-12T23:55:00Z');
    await calendar.until('deploy');
    calendar.setNow('2025-03-13T08:50:00Z');
    await waitFor(() => calendar.emitted.length === 3, 'the second stand-up');

    expect(calendar.emitted.map((each) => each.id)).toEqual([
      'standup@2025-03-12T09:00:00.000Z',
      'deploy@2025-03-13T00:05:00.000Z',
      'standup@2025-03-13T09:00:00.000Z',
    ]);
  });
});
