// The `email` sample: sent mail and drafts recorded in memory instead of delivered. It counts
// the sends per idempotency key, so a test can prove a send ran exactly once whatever happened.
import { z } from 'zod';
import { defineConnector, type Connector } from '../connector-kit.ts';
import { SAMPLE_SOURCE } from './sample-data.ts';

const messageSchema = z.strictObject({
  to: z.array(z.email()).min(1).describe('Recipients\' addresses, e.g. ["agency@example.com"].'),
  cc: z.array(z.email()).optional(),
  subject: z.string().min(1),
  body: z.string().min(1).describe('Plain text.'),
});

export type EmailMessage = z.output<typeof messageSchema>;

export interface SentEmail extends EmailMessage {
  messageId: string;
  idempotencyKey: string;
}

export interface EmailDraft extends EmailMessage {
  draftId: string;
}

export interface EmailSample extends Connector<'email'> {
  readonly sent: readonly SentEmail[];
  readonly drafts: readonly EmailDraft[];
  /** How many times `email.send` ran per idempotency key: exactly-once means every count is 1. */
  readonly sendsByKey: ReadonlyMap<string, number>;
}

export function createEmailSample(): EmailSample {
  const sent: SentEmail[] = [];
  const drafts: EmailDraft[] = [];
  const sendsByKey = new Map<string, number>();
  const connector = defineConnector({
    name: 'email',
    description: 'Sample email that records messages instead of sending them.',
    tools: {
      send: {
        description: 'Send an email now. It leaves the company and cannot be taken back.',
        risk: 'customer-facing',
        input: messageSchema,
        async run(message, { idempotencyKey }) {
          sendsByKey.set(idempotencyKey, (sendsByKey.get(idempotencyKey) ?? 0) + 1);
          const messageId = `<sample-${sent.length + 1}@mail.example.com>`;
          sent.push({ ...message, messageId, idempotencyKey });
          return { source: SAMPLE_SOURCE, messageId, to: message.to };
        },
      },
      draft: {
        description: 'Save an email as a draft for a person to review; nothing is sent.',
        risk: 'write',
        input: messageSchema,
        async run(message) {
          const draftId = `draft-${drafts.length + 1}`;
          drafts.push({ ...message, draftId });
          return { source: SAMPLE_SOURCE, draftId };
        },
      },
    },
  });
  return { ...connector, sent, drafts, sendsByKey };
}
