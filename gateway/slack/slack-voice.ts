// How coworkers speak in Slack: each with its own name and icon (chat:write.customize), through
// the one app's bot token.
import type { WebClient } from '@slack/web-api';
import type { KnownBlock } from '@slack/types';
import type { CoworkerDefinition } from '../../protocol/index.ts';

export interface Posted {
  channel: string;
  ts: string;
}

export function lookOf(coworker: CoworkerDefinition): { id: string; name: string; icon: string } {
  return { id: coworker.id, name: coworker.name, icon: coworker.icon };
}

/** Posts as the coworker: in a thread when given, else in the channel (a user id opens a DM). */
export async function postAs(
  client: WebClient,
  coworker: CoworkerDefinition,
  where: { channel: string; threadTs?: string },
  message: { text: string; blocks?: KnownBlock[] },
): Promise<Posted> {
  const icon = coworker.icon.startsWith(':') ? { icon_emoji: coworker.icon } : { icon_url: coworker.icon };
  const result = await client.chat.postMessage({
    channel: where.channel,
    text: message.text,
    ...(message.blocks ? { blocks: message.blocks } : {}),
    ...(where.threadTs ? { thread_ts: where.threadTs } : {}),
    username: coworker.name,
    ...icon,
  });
  return { channel: result.channel ?? where.channel, ts: result.ts ?? '' };
}
