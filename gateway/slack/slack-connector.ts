// The real `slack.post` tool, served by the gateway when Slack is configured (in place of the
// sample): the coworker posts with its own name and icon, formatted for Slack, and only where its
// definition lets it: one of its channels, or a direct message to its manager or an approver.
import type { WebClient } from '@slack/web-api';
import { SLACK_POST_DESCRIPTION, defineConnector, slackPostInput, type Connector } from '../../connectors/index.ts';
import { CoworkersError } from '../../protocol/index.ts';
import { reportMessage } from './slack-blocks.ts';
import { mayDirect, type Directory } from '../chat/directory.ts';
import { postAs } from './slack-voice.ts';

export function createSlackConnector(client: WebClient, directory: Directory): Connector<'slack'> {
  return defineConnector({
    name: 'slack',
    description: 'Posts in Slack as the coworker, in its own channels or to its manager and approvers.',
    tools: {
      post: {
        description: SLACK_POST_DESCRIPTION,
        risk: 'public-post',
        input: slackPostInput,
        async run({ channel, text }, { coworkerId }) {
          const coworker = await directory.byId(coworkerId);
          if (!coworker) throw new CoworkersError('COWORKER_NOT_FOUND', `No coworker "${coworkerId}" is registered.`);
          const allowed = channel.startsWith('#') ? coworker.channels.includes(channel) : mayDirect(coworker, channel);
          if (!allowed) {
            throw new CoworkersError('TOOL_FAILED', `${coworker.name} may not post in ${channel}: only in ${coworker.channels.join(', ') || 'no channel'}, or to its manager.`, {
              hint: 'Add the channel to the coworker definition\'s "channels" to allow it.',
            });
          }
          // Slack takes a channel's name where it takes its id.
          const posted = await postAs(client, coworker, { channel: channel.startsWith('#') ? channel.slice(1) : channel }, reportMessage(text));
          return { ok: true, channel: posted.channel, ts: posted.ts };
        },
      },
    },
  });
}
