import { describe, expect, it } from 'vitest';
import { createIdempotencyMemory } from './idempotency-memory.ts';

describe('the idempotency memory', () => {
  it('forgets the oldest key beyond its limit, so that key runs again', async () => {
    const memory = createIdempotencyMemory({ limit: 2 });
    let runs = 0;
    const work = async () => ++runs;
    for (const key of ['a', 'b', 'c']) await memory.once(key, 'f', work);
    await expect(memory.once('c', 'f', work)).resolves.toEqual({ result: 3, replayed: true });
    await expect(memory.once('a', 'f', work)).resolves.toEqual({ result: 4, replayed: false });
  });
});
