// Sends mail with nodemailer: through the configured SMTP server, or into the outbox folder as
// .eml files. Each Message-ID is derived from the call's idempotency key, so a mail sent twice
// (a retry after a crash) carries the same id and the receiving side can drop the repeat.
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import nodemailer, { type NodemailerError, type SendMailOptions, type SMTPTransportOptions } from 'nodemailer';
import { CoworkersError, sha256 } from '../../protocol/index.ts';
import type { ConnectorDeps } from '../connector-deps.ts';
import { parseSender, type EmailSettings, type OutboxSettings, type SmtpSettings } from './email.settings.ts';

export interface OutgoingEmail {
  to: string[];
  cc?: string[] | undefined;
  subject: string;
  body: string;
}

export interface SendContext {
  coworkerId: string;
  idempotencyKey: string;
}

export interface SentEmail {
  messageId: string;
  accepted: string[];
  rejected: string[];
  /** The SMTP server's last reply, e.g. "250 2.0.0 Ok: queued as 4F1"; absent for the outbox. */
  serverResponse?: string;
  /** The .eml file written, in outbox mode. */
  savedTo?: string;
}

export interface EmailSender {
  send(mail: OutgoingEmail, context: SendContext): Promise<SentEmail>;
  close(): void;
}

// Shorter than the tool client's 30 s, so a dead server fails the call with its own reason.
const TIMEOUTS = { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 20_000 } as const;

export function createEmailSender(settings: EmailSettings, deps: ConnectorDeps): EmailSender {
  return settings.smtp ? smtpSender(settings.from, settings.smtp, deps) : outboxSender(settings.from, settings.outbox!, deps);
}

/** The same key gives the same Message-ID: `<hash@sender-domain>`. */
export function messageIdFor(idempotencyKey: string, from: string): string {
  const domain = parseSender(from).address.split('@')[1];
  return `<${sha256(`email.send:${idempotencyKey}`).slice(0, 32)}@${domain}>`;
}

function compose(from: string, mail: OutgoingEmail, context: SendContext, now: number): SendMailOptions {
  return {
    // Name and address apart, so nodemailer quotes a name like "Ava (Acme)" instead of reading a comment in it.
    from: parseSender(from),
    to: mail.to,
    cc: mail.cc,
    subject: mail.subject,
    text: mail.body,
    messageId: messageIdFor(context.idempotencyKey, from),
    date: new Date(now),
    // Lets the recipient's side (and a person reading the headers) see which coworker wrote it.
    headers: { 'X-Coworker': context.coworkerId },
  };
}

function smtpSender(from: string, smtp: SmtpSettings, deps: ConnectorDeps): EmailSender {
  const { options, server, login } = smtpOptions(smtp, deps);
  const transport = nodemailer.createTransport({ ...options, ...TIMEOUTS });
  return {
    async send(mail, context) {
      try {
        const info = await transport.sendMail(compose(from, mail, context, deps.now()));
        return { messageId: info.messageId, accepted: info.accepted, rejected: info.rejected, serverResponse: info.response };
      } catch (error) {
        throw sendFailure(error as NodemailerError, server, login);
      }
    },
    close: () => transport.close(),
  };
}

interface SmtpOptions {
  options: SMTPTransportOptions;
  /** host:port, for messages; never the credentials. */
  server: string;
  /** Where the login comes from, for the hint when the server refuses it. */
  login: string | undefined;
}

function smtpOptions(smtp: SmtpSettings, deps: ConnectorDeps): SmtpOptions {
  if (smtp.urlEnv) {
    const url = smtpUrl(deps.secret(smtp.urlEnv), smtp.urlEnv);
    const port = url.port || (url.protocol === 'smtps:' ? '465' : '587');
    return { options: { url: url.href }, server: `${url.hostname}:${port}`, login: url.username ? `the user and password in ${smtp.urlEnv}` : undefined };
  }
  const auth = smtp.user ? { user: smtp.user, pass: deps.secret(smtp.passwordEnv!) } : undefined;
  const port = smtp.port ?? (smtp.secure ? 465 : 587);
  return {
    options: { host: smtp.host, port, secure: smtp.secure, auth },
    server: `${smtp.host}:${port}`,
    login: smtp.user ? `smtp.user (${smtp.user}) and the password in ${smtp.passwordEnv}` : undefined,
  };
}

function smtpUrl(value: string, variable: string): URL {
  const url = URL.canParse(value) ? new URL(value) : undefined;
  if (url && (url.protocol === 'smtp:' || url.protocol === 'smtps:') && url.hostname) return url;
  // The value holds a password: name the variable, never echo it.
  throw new CoworkersError('CONFIG_INVALID', `The variable ${variable} (email.smtp.urlEnv) does not hold an SMTP URL.`, {
    hint: `Set ${variable} to smtp://user:password@host:587 (STARTTLS) or smtps://user:password@host:465 (TLS), with the password URL-encoded.`,
  });
}

/** Turns nodemailer's error into what the caller can act on; nothing of the credentials is in it. */
function sendFailure(error: NodemailerError, server: string, login: string | undefined): CoworkersError {
  const reply = error.response ?? error.message;
  if (error.code === 'EAUTH' || error.code === 'ENOAUTH') {
    // Retryable: once someone fixes the login, the approved mail can still go out.
    return new CoworkersError('TOOL_FAILED', `The SMTP server ${server} refused the login (${reply}); the mail was not sent.`, {
      retryable: true,
      hint: login ? `Check ${login} in the email connector's settings; the call can be retried once they are right.` : `The server wants a login: set email.smtp.user and passwordEnv (or a user in urlEnv).`,
      cause: error,
    });
  }
  if (error.permanent) {
    return new CoworkersError('TOOL_FAILED', `The SMTP server ${server} refused the mail: ${reply}`, {
      hint: 'Check the recipients\' addresses and the message; a corrected mail is a new call.',
      cause: error,
    });
  }
  const away = error.responseCode === undefined;
  return new CoworkersError('TOOL_FAILED', away ? `The SMTP server ${server} could not be reached (${reply}).` : `The SMTP server ${server} did not take the mail for now: ${reply}`, {
    retryable: true,
    hint: away
      ? `Check that the server is up and that email.smtp names the right host and port; the call can be retried with the same idempotency key.`
      : 'The server asked to try again later; the call can be retried with the same idempotency key (the mail keeps its Message-ID).',
    cause: error,
  });
}

function outboxSender(from: string, outbox: OutboxSettings, deps: ConnectorDeps): EmailSender {
  const folder = resolve(deps.dataDir, outbox.folder);
  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'windows' });
  deps.logger.info({ folder }, 'email: nothing is sent; each mail is written into the outbox folder as an .eml file');
  return {
    async send(mail, context) {
      const info = await transport.sendMail(compose(from, mail, context, deps.now()));
      await mkdir(folder, { recursive: true });
      const file = join(folder, `${outboxName(info.messageId, mail.subject)}.eml`);
      await writeFile(file, info.message as Buffer);
      return { messageId: info.messageId, accepted: info.envelope.to, rejected: [], savedTo: file };
    },
    close: () => transport.close(),
  };
}

/** `<id part>-<subject as a slug>`: the same mail always lands in the same file. */
function outboxName(messageId: string, subject: string): string {
  const slug = subject.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 60);
  return [messageId.slice(1, 13), slug].filter(Boolean).join('-');
}
