import { pino } from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createSqliteStore, type Documents } from '../../persistence/index.ts';
import { createReplayMemory, type ReplayMemory } from './replay-memory.ts';

const logger = pino({ level: 'silent' });
const MINUTE = 60_000;
const stops: Array<() => void> = [];
afterEach(() => {
  for (const stop of stops.splice(0)) stop();
  vi.useRealTimers();
});

function memoryOn(documents: Documents, now: () => number = Date.now): ReplayMemory {
  const memory = createReplayMemory({ documents, chat: 'teams', rememberMs: 10 * MINUTE, logger, now });
  stops.push(() => memory.stop());
  return memory;
}

describe('replay memory', () => {
  it('runs a request once across gateway processes and hands a repeat the first answer; a failure is forgotten', async () => {
    const { documents } = createSqliteStore({ path: ':memory:' });
    const [one, two] = [memoryOn(documents), memoryOn(documents)];
    const handle = vi.fn(async () => ({ card: 'approved' }));
    expect(await one.once('a', handle)).toEqual({ repeat: false, answer: { card: 'approved' } });
    const repeat = await two.once('a', handle);
    expect(repeat.repeat && (await repeat.firstAnswer)).toEqual({ card: 'approved' });
    expect(handle).toHaveBeenCalledTimes(1);

    await expect(one.once('b', async () => Promise.reject(new Error('Teams is away')))).rejects.toThrow('Teams is away');
    expect(await two.once('b', async () => 'retried')).toEqual({ repeat: false, answer: 'retried' });
  });

  it('tells a repeat at once while the first is still being handled, and gives it the first answer when there is one', async () => {
    const { documents } = createSqliteStore({ path: ':memory:' });
    const memory = memoryOn(documents);
    let finish!: (answer: string) => void;
    const first = memory.once('a', () => new Promise<string>((resolve) => (finish = resolve)));
    await vi.waitFor(() => expect(finish).toBeDefined());
    const repeat = await memory.once('a', async () => 'never');
    expect(repeat.repeat).toBe(true);
    finish('the card');
    expect(await first).toEqual({ repeat: false, answer: 'the card' });
    expect(repeat.repeat && (await repeat.firstAnswer)).toBe('the card');
  });

  it('sweeps expired entries once a minute, in one pass', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const { documents } = createSqliteStore({ path: ':memory:' });
    let now = 0;
    const memory = memoryOn(documents, () => now);
    await memory.once('old', async () => undefined);
    now = 5 * MINUTE;
    await memory.once('new', async () => undefined);
    now = 11 * MINUTE;
    await vi.advanceTimersByTimeAsync(MINUTE);
    await vi.waitFor(async () => expect((await documents.list<{ id: string }>('chat-replays')).map((entry) => entry.id)).toEqual(['teams:new']));
  });
});
