// The real `email` connector: SMTP (or an outbox folder) for sending, drafts in the store,
// and incoming mail from an SMTP listener or an IMAP mailbox as `email.received`.
export { emailFactory } from './email.connector.ts';
export type { EmailSettings } from './email.settings.ts';
