import { describe, expect, it } from 'vitest';
import { readConfig } from './config.ts';

describe('COWORKERS_STREAM_MAX_BYTES', () => {
  it('is 1 GiB unless set, and refuses what is not a size or too small to hold commands', () => {
    expect(readConfig({}).COWORKERS_STREAM_MAX_BYTES).toBe(1024 ** 3);
    expect(readConfig({ COWORKERS_STREAM_MAX_BYTES: '536870912' }).COWORKERS_STREAM_MAX_BYTES).toBe(512 * 1024 ** 2);
    expect(() => readConfig({ COWORKERS_STREAM_MAX_BYTES: '1GiB' })).toThrow(/COWORKERS_STREAM_MAX_BYTES is a size in bytes/);
    expect(() => readConfig({ COWORKERS_STREAM_MAX_BYTES: '1000' })).toThrow(/at least 16777216 \(16 MiB\)/);
  });
});
