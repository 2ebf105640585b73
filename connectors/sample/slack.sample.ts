// The `slack` sample: posts recorded in memory instead of sent, where a test can read them.
import { defineConnector, type Connector } from '../connector-kit.ts';
import { SLACK_POST_CONSEQUENTIAL, SLACK_POST_DESCRIPTION, slackPostInput } from '../slack-post.ts';
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
    description: 'Sample Slack posts, recorded instead of sent.',
    tools: {
      post: {
        description: SLACK_POST_DESCRIPTION,
        risk: 'public-post',
        input: slackPostInput,
        consequential: SLACK_POST_CONSEQUENTIAL,
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
