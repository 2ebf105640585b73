// The IMAP poller: every so often it logs in, announces each unseen mail of the mailbox as
// `email.received` and marks it seen once announced, then logs out. A mail whose event could
// not be published stays unseen and is announced on the next poll (the event id drops repeats).
import { ImapFlow, type ImapFlowError } from 'imapflow';
import { durationMs } from '../../protocol/index.ts';
import type { ConnectorContext } from '../connector-kit.ts';
import type { InboundImapSettings } from './email.settings.ts';
import { parseReceivedEmail, RECEIVED_EVENT } from './received-email.ts';

/** Mails announced per poll, so a full mailbox on the first poll is worked off over several. */
const BATCH = 50;

export interface InboundImapOptions {
  settings: InboundImapSettings;
  password: string;
  context: ConnectorContext;
  now(): number;
}

/** Polls until the returned function is called; a failed poll is logged and the next one tries again. */
export async function startInboundImap({ settings, password, context, now }: InboundImapOptions): Promise<() => Promise<void>> {
  const every = durationMs(settings.every);
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let polling: Promise<void> = Promise.resolve();

  async function pollOnce(): Promise<void> {
    const client = new ImapFlow({
      host: settings.host,
      port: settings.port,
      secure: settings.secure,
      auth: { user: settings.user, pass: password },
      logger: false,
    });
    // Errors of a broken connection also arrive as events; the awaited command rejects with them.
    client.on('error', () => {});
    await client.connect();
    try {
      const lock = await client.getMailboxLock(settings.mailbox);
      try {
        const unseen = (await client.search({ seen: false }, { uid: true })) || [];
        for (const uid of unseen.slice(0, BATCH)) {
          if (stopped) return;
          const message = await client.fetchOne(String(uid), { source: true }, { uid: true });
          if (!message || !message.source) continue;
          const mail = await parseReceivedEmail(message.source, new Date(now()));
          await context.emit(RECEIVED_EVENT, mail.data, mail.id);
          await client.messageFlagsAdd(String(uid), ['\\Seen'], { uid: true });
        }
      } finally {
        lock.release();
      }
    } finally {
      await client.logout().catch(() => client.close());
    }
  }

  function schedule(delay: number): void {
    if (stopped) return;
    timer = setTimeout(() => {
      polling = pollOnce()
        .catch((error: unknown) => context.logger.warn({ err: error, host: settings.host, mailbox: settings.mailbox }, pollFailure(error, settings)))
        .finally(() => schedule(every));
    }, delay);
  }

  schedule(0);
  context.logger.info({ host: settings.host, mailbox: settings.mailbox, every: settings.every }, 'email: polling the IMAP mailbox for unseen mail');
  return async () => {
    stopped = true;
    clearTimeout(timer);
    await polling;
  };
}

function pollFailure(error: unknown, { host, port, user, passwordEnv, every }: InboundImapSettings): string {
  const failure = error as Partial<ImapFlowError> & { authenticationFailed?: boolean };
  const reason = failure.responseText ?? failure.message ?? String(error);
  if (failure.authenticationFailed) {
    return `email: the IMAP server ${host}:${port} refused the login of ${user} (${reason}); check the password in ${passwordEnv}. Trying again in ${every}.`;
  }
  return `email: polling the IMAP server ${host}:${port} failed (${reason}); trying again in ${every}.`;
}
