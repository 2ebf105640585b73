// One received mail, parsed into the data of the `email.received` event. Everything in it was
// written outside the company, so it is marked untrusted: the coworker reads it as content, never
// as instructions. The body is bounded so one long mail cannot fill the model's context.
import { simpleParser, type AddressObject } from 'mailparser';
import { sha256 } from '../../protocol/index.ts';

export const RECEIVED_EVENT = 'email.received';

/** The longest body passed on, in characters; longer ones are cut and say so. */
export const MAX_BODY_CHARS = 20_000;

export interface ReceivedEmail {
  /** The event id: the Message-ID, so the same mail announced twice is dropped. */
  id: string;
  data: {
    messageId: string;
    from: string;
    to: string[];
    subject: string;
    text: string;
    truncated: boolean;
    receivedAt: string;
    untrusted: true;
  };
}

export async function parseReceivedEmail(raw: Buffer, receivedAt: Date): Promise<ReceivedEmail> {
  const mail = await simpleParser(raw, { skipImageLinks: true });
  // A mail without a Message-ID is still the same mail when seen again: its bytes say so.
  const messageId = mail.messageId ?? `<${sha256(raw.toString('latin1'))}@no-message-id>`;
  const body = (mail.text ?? '').trim();
  return {
    id: messageId,
    data: {
      messageId,
      from: mail.from?.text ?? '',
      to: addresses(mail.to),
      subject: mail.subject ?? '',
      text: body.slice(0, MAX_BODY_CHARS),
      truncated: body.length > MAX_BODY_CHARS,
      receivedAt: receivedAt.toISOString(),
      untrusted: true,
    },
  };
}

function addresses(field: AddressObject | AddressObject[] | undefined): string[] {
  return [field ?? []].flat().flatMap((group) => group.value.map((address) => address.address ?? address.name));
}
