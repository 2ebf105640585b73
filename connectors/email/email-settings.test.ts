// The `email:` settings: mistakes are refused with what to write instead, and secrets are read
// (and their absence reported) when the connector is built, never echoed.
import { z } from 'zod';
import { afterEach, describe, expect, it } from 'vitest';
import type { CoworkersError } from '../../protocol/index.ts';
import { emailFactory } from './email.connector.ts';
import { testDeps } from './email-test-kit.ts';

function problems(settings: unknown): string {
  const parsed = emailFactory.settings.safeParse(settings);
  if (parsed.success) throw new Error('expected the settings to be refused');
  return z.prettifyError(parsed.error);
}

let cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of cleanup.reverse()) await close();
  cleanup = [];
});

async function createFailure(settings: unknown, secrets: Record<string, string> = {}): Promise<CoworkersError> {
  const deps = testDeps(secrets);
  cleanup.push(deps.close);
  return emailFactory.create(emailFactory.settings.parse(settings), deps).then(
    () => {
      throw new Error('expected the connector not to be built');
    },
    (error: CoworkersError) => error,
  );
}

describe('email settings', () => {
  it('fills in the defaults', () => {
    expect(emailFactory.settings.parse({ from: 'Ava <ava@acme.test>', outbox: {}, inbound: { smtp: { port: 2525 }, imap: { host: 'imap.acme.test', user: 'ava', passwordEnv: 'IMAP_PASSWORD' } } })).toEqual({
      from: 'Ava <ava@acme.test>',
      outbox: { folder: 'outbox' },
      inbound: {
        smtp: { port: 2525, host: '127.0.0.1' },
        imap: { host: 'imap.acme.test', port: 993, secure: true, user: 'ava', passwordEnv: 'IMAP_PASSWORD', mailbox: 'INBOX', every: '1m' },
      },
    });
  });

  it('wants exactly one way to send', () => {
    expect(problems({ from: 'ava@acme.test' })).toContain('choose one way to send: `smtp:`');
    expect(problems({ from: 'ava@acme.test', outbox: {}, smtp: { host: 'smtp.acme.test' } })).toContain('choose one way to send');
  });

  it('refuses a sender that is not an address', () => {
    expect(problems({ from: 'Ava from Acme', outbox: {} })).toMatch(/write the sender as an address[\s\S]*at from/);
  });

  it('refuses an SMTP section that is unclear or would put a secret in the file', () => {
    expect(problems({ from: 'ava@acme.test', smtp: {} })).toContain('name the server: host');
    expect(problems({ from: 'ava@acme.test', smtp: { urlEnv: 'SMTP_URL', host: 'smtp.acme.test' } })).toContain('either urlEnv or host');
    expect(problems({ from: 'ava@acme.test', smtp: { host: 'smtp.acme.test', user: 'ava' } })).toContain('user and passwordEnv go together');
    expect(problems({ from: 'ava@acme.test', smtp: { host: 'smtp.acme.test', user: 'ava', password: 'hunter2' } })).toContain('Unrecognized key: "password"');
    expect(problems({ from: 'ava@acme.test', smtp: { host: 'smtp.acme.test', user: 'ava', passwordEnv: 'hunter2 !' } })).toContain('name an environment variable');
  });

  it('refuses an IMAP poll that is too frequent or not a duration', () => {
    const imap = { host: 'imap.acme.test', user: 'ava', passwordEnv: 'IMAP_PASSWORD' };
    expect(problems({ from: 'ava@acme.test', outbox: {}, inbound: { imap: { ...imap, every: '1s' } } })).toContain('poll at most every 10 seconds');
    expect(problems({ from: 'ava@acme.test', outbox: {}, inbound: { imap: { ...imap, every: 60 } } })).toContain('inbound.imap.every');
  });

  it('names a missing secret when the connector is built', async () => {
    const smtpError = await createFailure({ from: 'ava@acme.test', smtp: { host: 'smtp.acme.test', user: 'ava', passwordEnv: 'SMTP_PASSWORD' } });
    expect(smtpError).toMatchObject({ code: 'CONFIG_INVALID', message: expect.stringContaining('SMTP_PASSWORD') });

    const imapError = await createFailure({ from: 'ava@acme.test', outbox: {}, inbound: { imap: { host: 'imap.acme.test', user: 'ava', passwordEnv: 'IMAP_PASSWORD' } } });
    expect(imapError).toMatchObject({ code: 'CONFIG_INVALID', message: expect.stringContaining('IMAP_PASSWORD') });
  });

  it('refuses a urlEnv that holds no SMTP URL, without repeating its value', async () => {
    const error = await createFailure({ from: 'ava@acme.test', smtp: { urlEnv: 'SMTP_URL' } }, { SMTP_URL: 'https://ava:hunter2@mail.acme.test' });

    expect(error).toMatchObject({ code: 'CONFIG_INVALID', message: expect.stringContaining('SMTP_URL') });
    expect(error.hint).toContain('smtp://user:password@host:587');
    expect(JSON.stringify(error.toJSON())).not.toContain('hunter2');
  });
});
