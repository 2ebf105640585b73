// The inbound SMTP listener: accepts mail (usually forwarded by the company's mail server) and
// announces each one as `email.received`. A mail is acknowledged only after its event is
// published; if that fails the sender is told to try again later (451), so nothing is lost.
import { SMTPServer, type SMTPServerDataStream } from 'smtp-server';
import type { ConnectorContext } from '../connector-kit.ts';
import type { InboundSmtpSettings } from './email.settings.ts';
import { parseReceivedEmail, RECEIVED_EVENT } from './received-email.ts';

/** The largest mail accepted; larger ones are refused with 552 before they fill memory. */
const MAX_MESSAGE_BYTES = 10 * 1024 * 1024;

export interface InboundSmtpOptions {
  settings: InboundSmtpSettings;
  context: ConnectorContext;
  now(): number;
}

/** Listens until the returned function is called. */
export async function startInboundSmtp({ settings, context, now }: InboundSmtpOptions): Promise<() => Promise<void>> {
  const allowed = settings.allowedRecipients && new Set(settings.allowedRecipients.map((address) => address.toLowerCase()));
  const server = new SMTPServer({
    // No login and no TLS: it listens on the loopback (or a private network) behind a real mail server.
    disabledCommands: ['AUTH', 'STARTTLS'],
    size: MAX_MESSAGE_BYTES,
    disableReverseLookup: true,
    logger: false,
    onRcptTo(address, _session, callback) {
      if (!allowed || allowed.has(address.address.toLowerCase())) return callback();
      callback(smtpError(550, `No mailbox here for ${address.address}`));
    },
    onData(stream, _session, callback) {
      receive(stream)
        .then(async (raw) => {
          const mail = await parseReceivedEmail(raw, new Date(now()));
          await context.emit(RECEIVED_EVENT, mail.data, mail.id);
          context.logger.info({ messageId: mail.id, bytes: raw.length }, 'email: received a mail');
          callback();
        })
        .catch((error: unknown) => {
          if (isSmtpError(error)) return callback(error);
          context.logger.error({ err: error }, 'email: a received mail could not be announced; the sender was asked to try again');
          callback(smtpError(451, 'Temporary failure, please try again later'));
        });
    },
  });
  server.on('error', (error) => context.logger.error({ err: error }, 'email: inbound SMTP listener error'));
  await listen(server, settings);
  context.logger.info({ host: settings.host, port: settings.port }, 'email: listening for inbound mail');
  return () => new Promise<void>((done) => server.close(() => done()));
}

function listen(server: SMTPServer, { host, port }: InboundSmtpSettings): Promise<void> {
  return new Promise((resolve, reject) => {
    const failed = (error: Error) => reject(new Error(`The inbound SMTP listener cannot listen on ${host}:${port}: ${error.message}`, { cause: error }));
    server.server.once('error', failed);
    server.listen(port, host, () => {
      server.server.off('error', failed);
      resolve();
    });
  });
}

async function receive(stream: SMTPServerDataStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  if (stream.sizeExceeded) throw smtpError(552, `Message exceeds the limit of ${MAX_MESSAGE_BYTES} bytes`);
  return Buffer.concat(chunks);
}

type SmtpError = Error & { responseCode: number };

function smtpError(responseCode: number, message: string): SmtpError {
  return Object.assign(new Error(message), { responseCode });
}

function isSmtpError(error: unknown): error is SmtpError {
  return error instanceof Error && typeof (error as Partial<SmtpError>).responseCode === 'number';
}
