// The `email:` section of connectors.yaml: the sender address, one way to send (a real SMTP
// server, or an outbox folder of .eml files for the offline demo) and optional inbound mail.
import { z } from 'zod';
import { durationMs, durationSchema } from '../../protocol/index.ts';

/** "ava@example.com" or "Ava <ava@example.com>". */
const MAILBOX = /^(?:([^<>]*)<\s*([^\s@<>]+@[^\s@<>]+)\s*>|([^\s@<>]+@[^\s@<>]+))$/;

const port = z.number().int().min(1).max(65_535);
const envName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'name an environment variable, e.g. SMTP_PASSWORD (the secret itself never goes in connectors.yaml)');

const smtpSettings = z
  .strictObject({
    urlEnv: envName.optional().describe('An environment variable holding the whole server as a URL with its credentials: smtp://user:password@host:587 or smtps://user:password@host:465. Use it instead of host/port/user/passwordEnv.'),
    host: z.string().min(1).optional().describe('The SMTP server, e.g. smtp.example.com.'),
    port: port.optional().describe('Default 465 when secure, else 587.'),
    secure: z.boolean().default(false).describe('TLS from the first byte (usually port 465); false upgrades with STARTTLS when the server offers it.'),
    user: z.string().min(1).optional().describe('The login, when the server wants one.'),
    passwordEnv: envName.optional().describe('The environment variable holding the password of `user`.'),
  })
  .superRefine((smtp, ctx) => {
    const fromUrl = smtp.urlEnv !== undefined;
    if (fromUrl && (smtp.host || smtp.port || smtp.user || smtp.passwordEnv)) {
      ctx.addIssue({ code: 'custom', message: 'give either urlEnv or host/port/user/passwordEnv, not both: the URL already names the server and its login' });
    }
    if (!fromUrl && !smtp.host) ctx.addIssue({ code: 'custom', message: 'name the server: host (e.g. smtp.example.com), or urlEnv for a variable holding smtp://user:password@host:port' });
    if (Boolean(smtp.user) !== Boolean(smtp.passwordEnv)) ctx.addIssue({ code: 'custom', message: 'user and passwordEnv go together: set both for a server that wants a login, neither for one that does not' });
  });

const outboxSettings = z.strictObject({
  folder: z.string().min(1).default('outbox').describe('Where each sent mail is written as an .eml file; a relative folder is inside the data folder (.coworkers/ by default).'),
});

const inboundSmtpSettings = z.strictObject({
  port: port.describe('The port the listener accepts mail on, e.g. 2525; a mail server in front forwards to it.'),
  host: z.string().min(1).default('127.0.0.1').describe('The interface to listen on; 0.0.0.0 accepts mail from other machines.'),
  allowedRecipients: z.array(z.email()).min(1).optional().describe('Accept mail only for these addresses; by default every recipient is accepted.'),
});

const inboundImapSettings = z.strictObject({
  host: z.string().min(1).describe('The IMAP server, e.g. imap.example.com.'),
  port: port.default(993),
  secure: z.boolean().default(true).describe('TLS from the first byte (port 993); false upgrades with STARTTLS when offered.'),
  user: z.string().min(1),
  passwordEnv: envName.describe('The environment variable holding the password of `user`.'),
  mailbox: z.string().min(1).default('INBOX'),
  every: durationSchema
    .default('1m')
    .refine((every) => durationMs(every) >= 10_000, 'poll at most every 10 seconds ("10s"); servers throttle clients that poll faster')
    .describe('How often to look for unseen mail, e.g. "30s" or "5m". Each mail found is marked seen once it is announced.'),
});

export const emailSettingsSchema = z
  .strictObject({
    from: z
      .string()
      .regex(MAILBOX, 'write the sender as an address, e.g. "ava@example.com" or "Ava <ava@example.com>"')
      .describe('The sender of every mail, e.g. "Ava at Acme <ava@acme.com>"; its domain also ends each Message-ID.'),
    smtp: smtpSettings.optional().describe('Send through this SMTP server.'),
    outbox: outboxSettings.optional().describe('Send nowhere: write each mail into a folder, for trying coworkers out.'),
    inbound: z
      .strictObject({
        smtp: inboundSmtpSettings.optional().describe('Receive mail on an SMTP listener.'),
        imap: inboundImapSettings.optional().describe('Poll an IMAP mailbox for unseen mail.'),
      })
      .default({})
      .describe('Incoming mail, announced as the event email.received.'),
  })
  .superRefine((settings, ctx) => {
    if ((settings.smtp === undefined) === (settings.outbox === undefined)) {
      ctx.addIssue({ code: 'custom', message: 'choose one way to send: `smtp:` (host, port, user, passwordEnv) for real mail, or `outbox: {}` to write each mail into a folder instead' });
    }
  });

export type EmailSettings = z.output<typeof emailSettingsSchema>;
export type SmtpSettings = z.output<typeof smtpSettings>;
export type OutboxSettings = z.output<typeof outboxSettings>;
export type InboundSmtpSettings = z.output<typeof inboundSmtpSettings>;
export type InboundImapSettings = z.output<typeof inboundImapSettings>;

/** The `from` setting as a name and an address: "Ava <ava@acme.com>" is { name: "Ava", address: "ava@acme.com" }. */
export function parseSender(from: string): { name: string; address: string } {
  const [, name = '', named, bare] = MAILBOX.exec(from)!;
  return { name: name.trim().replace(/^"(.*)"$/, '$1'), address: (named ?? bare)! };
}
