import { expect, it } from 'vitest';
import { createScrubber, MIN_SECRET_LENGTH } from './scrubber.ts';

it('replaces every occurrence of a secret by its name, in text and anywhere in a value, keys too', () => {
  const { scrub, scrubText } = createScrubber({ HUBSPOT_TOKEN: 'pat-na1-0123456789', SLACK_BOT_TOKEN: 'xoxb-1111-2222' });
  expect(scrubText('token pat-na1-0123456789, again pat-na1-0123456789')).toBe('token [secret:HUBSPOT_TOKEN], again [secret:HUBSPOT_TOKEN]');
  const value = { a: ['x', { b: 'Bearer xoxb-1111-2222' }], n: 3, ok: true, none: null, 'pat-na1-0123456789': 1 };
  expect(scrub(value)).toEqual({ a: ['x', { b: 'Bearer [secret:SLACK_BOT_TOKEN]' }], n: 3, ok: true, none: null, '[secret:HUBSPOT_TOKEN]': 1 });
  expect(value.a[1]).toEqual({ b: 'Bearer xoxb-1111-2222' }); // the original is not touched
});

it('returns the very same value when it holds no secret, and ignores values too short to be secrets', () => {
  const { scrub, names } = createScrubber({ LONG_ENOUGH: 'abcdefgh-secret', SHORT: 'abc1234', EMPTY: '' });
  expect(names).toEqual(['LONG_ENOUGH']);
  expect('abc1234'.length).toBeLessThan(MIN_SECRET_LENGTH);
  const value = { text: 'abc1234 is an ordinary word here', list: [1, 'two'] };
  expect(scrub(value)).toBe(value);
  expect(createScrubber({}).scrub(value)).toBe(value);
});

it('takes the longest secret where two overlap, and finds a secret in its JSON-escaped form', () => {
  const { scrubText } = createScrubber({ SHORTER: 'secret-value', LONGER: 'secret-value-with-more', QUOTED: 'pa"ss\\word99' });
  expect(scrubText('a secret-value-with-more b secret-value')).toBe('a [secret:LONGER] b [secret:SHORTER]');
  expect(scrubText(JSON.stringify({ password: 'pa"ss\\word99' }))).toBe('{"password":"[secret:QUOTED]"}');
});

it('keeps dates and other non-plain objects as they are', () => {
  const at = new Date(0);
  const value = { at, text: 'secret-value!' };
  const scrubbed = createScrubber({ S: 'secret-value' }).scrub(value);
  expect(scrubbed.at).toBe(at);
  expect(scrubbed.text).toBe('[secret:S]!');
});

it('is fast enough for every snapshot write (printed, not asserted)', () => {
  const secrets = Object.fromEntries(Array.from({ length: 12 }, (_, index) => [`SECRET_${index}`, `s3cr3t-${index}-${'x'.repeat(20 + index)}`]));
  const { scrub } = createScrubber(secrets);
  const messages = Array.from({ length: 400 }, (_, index) => ({ role: 'tool', content: `result ${index}: ${'lorem ipsum dolor sit amet '.repeat(8)}`, meta: { index, ok: true } }));
  const snapshot = { machine: { value: { work: 'running' }, context: { messages } }, outbox: [] };
  const size = JSON.stringify(snapshot).length;
  scrub(snapshot);
  const rounds = 50;
  const started = performance.now();
  for (let round = 0; round < rounds; round++) scrub(snapshot);
  const perWrite = (performance.now() - started) / rounds;
  console.log(`scrubber: ${Math.round(size / 1024)} KB snapshot, 12 secrets: ${perWrite.toFixed(2)} ms a write`);
  expect(size).toBeGreaterThan(100_000);
});
