// Credentials never reach the logs, wherever a component puts them in what it logs.
import { Writable } from 'node:stream';
import { expect, it } from 'vitest';
import { createScrubber } from '../protocol/scrubber.ts';
import { createLogger } from './logger.ts';

it('censors fields named like secrets, nested or not, and keeps the rest', () => {
  const lines: string[] = [];
  const sink = new Writable({ write: (chunk, _encoding, done) => void (lines.push(String(chunk)), done()) });
  const logger = createLogger('info', sink);
  logger.info({ smtp: { host: 'mail.example.com', auth: { user: 'ava', pass: 'hunter2' } }, token: 'xoxb-1', request: { headers: { authorization: 'Bearer abc' } } }, 'connecting');
  logger.child({ connector: 'hubspot' }).warn({ config: { accessToken: 'pat-123', apiKey: 'sk-1' } }, 'retrying');
  const text = lines.join('');
  for (const secret of ['hunter2', 'xoxb-1', 'Bearer abc', 'pat-123', 'sk-1']) expect(text).not.toContain(secret);
  expect(text).toContain('mail.example.com');
  expect(text).toContain('"user":"ava"');
  expect(text.match(/\[redacted\]/g)).toHaveLength(5);
});

it('replaces every secret the process knows, wherever a line carries it, by its name', () => {
  const lines: string[] = [];
  const sink = new Writable({ write: (chunk, _encoding, done) => void (lines.push(String(chunk)), done()) });
  const logger = createLogger('info', sink, createScrubber({ HUBSPOT_TOKEN: 'pat-na1-secret-123' }));
  logger.child({ connector: 'hubspot' }).warn({ result: { echo: 'the token is pat-na1-secret-123' } }, 'call to pat-na1-secret-123 failed');
  const text = lines.join('');
  expect(text).not.toContain('pat-na1-secret-123');
  expect(text.match(/\[secret:HUBSPOT_TOKEN\]/g)).toHaveLength(2);
});
