import { describe, expect, it } from 'vitest';
import { createMemoryLog } from './memory.log.ts';

describe('the in-process log', () => {
  it('keeps its size bounded, dropping the oldest messages first', () => {
    const log = createMemoryLog();
    for (let index = 1; index <= 100_000; index++) log.append({ subject: 'evt.a.x', payload: String(index), headers: {}, msgId: `m${index}` });
    expect(log.nextMatching(0, 'evt.>')?.payload).toBe('1');
    log.append({ subject: 'cmd.a', payload: 'last', headers: {}, msgId: 'last' });
    const oldest = log.nextMatching(0, 'evt.>');
    expect(Number(oldest?.payload)).toBeGreaterThan(1);
    expect(Number(oldest?.payload)).toBeLessThanOrEqual(10_001);
    expect(log.nextMatching(0, 'cmd.>')?.payload).toBe('last');
    expect(log.lastSeq).toBe(100_001);
  });
});
