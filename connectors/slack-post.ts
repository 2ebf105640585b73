// The arguments of `slack.post`, one schema for every connector that offers it (the sample and
// the gateway's real one), so the model sees the same tool wherever it runs.
import { z } from 'zod';

export const slackPostInput = z.strictObject({
  channel: z
    .string()
    .regex(/^(#[a-z0-9][a-z0-9._-]*|[UW][A-Z0-9]{2,})$/)
    .describe('One of your channels such as "#sales", or a Slack member id such as "U04DANIEL2" for a direct message.'),
  text: z.string().min(1).describe('The message, in Markdown; it is converted for Slack.'),
});

/** Where the post goes: an approver sees it first, whole. */
export const SLACK_POST_CONSEQUENTIAL = ['channel'] as const;

export const SLACK_POST_DESCRIPTION = 'Post a message in a Slack channel, or as a direct message to a person.';
