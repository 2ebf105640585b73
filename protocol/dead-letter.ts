// A dead letter: a command the runtime could not take (malformed, its subject does not match its
// payload, no such coworker, a bad signature), set aside on `dlq.<reason>` rather than dropped.
import { z } from 'zod';
import { PROTOCOL_VERSION } from './messages.ts';
import { DEAD_LETTER_REASONS } from './subjects.ts';

export const deadLetterSchema = z.strictObject({
  v: z.literal(PROTOCOL_VERSION),
  /** The same message set aside twice (a redelivery) gets the same id, so it is stored once. */
  id: z.string().min(1),
  reason: z.enum(DEAD_LETTER_REASONS).describe('Also the last token of the subject: dlq.<reason>.'),
  detail: z.string().describe('What was wrong, in words.'),
  subject: z.string().describe('Where it was published, relative to the prefix, e.g. "cmd.task.5.ava".'),
  payload: z.unknown().describe('The message as received: its JSON, or its text when it was not JSON (cut to 64 KB, see truncated).'),
  truncated: z.boolean().optional(),
  at: z.number().int().describe('When it was set aside (epoch ms).'),
});
export type DeadLetter = z.output<typeof deadLetterSchema>;
