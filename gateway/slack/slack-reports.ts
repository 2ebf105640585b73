// Coworkers to people: reports and blockers go to the thread the task came from (mentioning the
// manager), or as a direct message to whoever they are for in Slack; formatted for Slack, cut to its limits.
import type { App } from '@slack/bolt';
import type { BusMessage } from '../../messaging/index.ts';
import { isSlackUserId } from '../../protocol/index.ts';
import type { Directory } from '../chat/directory.ts';
import { reportMessage } from './slack-blocks.ts';
import { createSeenEvents } from '../chat/seen-events.ts';
import { postAs } from './slack-voice.ts';

/** Slack's most blocks in one message; one of them is the mention. */
const MAX_BLOCKS = 50;

export function createReporter(app: App, directory: Directory) {
  const seen = createSeenEvents();
  return (message: BusMessage) =>
    seen.once(message, async (event) => {
      if (event.type !== 'message') return;
      const coworker = await directory.byId(event.coworkerId);
      if (!coworker || event.to.kind === 'channel' || event.thread?.chat === 'teams') return; // the Teams gateway answers there
      if (event.thread) {
        // The person who asked is in the thread: one post there, addressed to the manager.
        if (event.to.kind === 'user') return;
        const report = reportMessage(event.text);
        const mention = `<@${event.to.id}>`;
        const blocks = [{ type: 'context' as const, elements: [{ type: 'mrkdwn' as const, text: `For ${mention}` }] }, ...report.blocks.slice(0, MAX_BLOCKS - 1)];
        await postAs(app.client, coworker, { channel: event.thread.channel, threadTs: event.thread.threadTs }, { text: `${mention} ${report.text}`, blocks });
        return;
      }
      if (isSlackUserId(event.to.id)) await postAs(app.client, coworker, { channel: event.to.id }, reportMessage(event.text));
    });
}
