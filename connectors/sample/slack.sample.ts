// The `slack` sample: posts recorded in memory instead of sent, where a test can read them.
import { z } from 'zod';
import { defineConnector, type Connector } from '../connector-kit.ts';
import { SAMPLE_SOURCE } from './sample-data.ts';

export interface SlackPost {
  channel: string;
  text: string;
  /** Slack's message id: seconds since the epoch, a dot, a sequence. */
  ts: string;
}

export interface SlackSample extends Connector<'slack'> {
  readonly posts: readonly SlackPost[];
}

export function createSlackSample(): SlackSample {
  const posts: SlackPost[] = [];
  const connector = defineConnector({
    name: 'slack',
    tools: {
      post: {
        description: 'Post a message in a Slack channel, or as a direct message to a person.',
        risk: 'public-post',
        input: z.strictObject({
          channel: z
            .string()
            .regex(/^(#[a-z0-9][a-z0-9._-]*|[UCDG][A-Z0-9]{2,})$/)
            .describe('A channel name such as "#sales", or a Slack member id such as "U04DANIEL2" for a direct message.'),
          text: z.string().min(1).describe('The message, in Slack markdown.'),
        }),
        async run({ channel, text }) {
          const ts = `${Math.floor(Date.now() / 1000)}.${String(posts.length + 1).padStart(6, '0')}`;
          posts.push({ channel, text, ts });
          return { source: SAMPLE_SOURCE, ok: true, channel, ts };
        },
      },
    },
  });
  return { ...connector, posts };
}
