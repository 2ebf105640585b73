// People to coworkers: an @mention in a channel, a direct message or `/coworker <name> <task>`
// becomes a task (or a manager's answer to a blocked coworker). Task ids come from Slack's own
// request ids, so a retried or replayed request queues nothing twice.
import type { App } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import type { Logger } from 'pino';
import type { Bus } from '../../messaging/index.ts';
import type { CoworkerSummary, Store } from '../../persistence/index.ts';
import type { CoworkerDefinition, Signer } from '../../protocol/index.ts';
import { answerBlock, assignTask } from '../coworker-commands.ts';
import { workChannels, type People } from '../people.ts';
import { handleAssign } from './slack-assign.ts';
import { mayDirect, type Directory } from '../chat/directory.ts';
import { postAs } from './slack-voice.ts';

export interface IntakeDeps {
  bus: Bus;
  store: Store;
  directory: Directory;
  /** users.yaml and teams.yaml: who may become a manager, and each team's channels. */
  people: People;
  logger: Logger;
  now: () => number;
  /** Signs the decisions, answers and assignments of the people this gateway signed in. */
  signer: Signer;
}

const MENTION = /<@[A-Z0-9]+>/g;

/** Channel ids to names (#marketing), to check them against the coworker's granted channels. */
function channelNames(client: WebClient): (channel: string) => Promise<string | undefined> {
  const names = new Map<string, string>();
  return async (channel) => {
    if (!names.has(channel)) {
      const info = await client.conversations.info({ channel }).catch(() => null);
      if (info?.channel?.name) names.set(channel, `#${info.channel.name}`);
    }
    return names.get(channel);
  };
}

function roster(coworkers: CoworkerSummary[]): string {
  return coworkers.map((coworker) => `*${coworker.name}* (${coworker.role})`).join(', ') || 'none yet';
}

export function registerIntake(app: App, deps: IntakeDeps): void {
  const { directory } = deps;
  // A coworker takes work in its own channels and in its team's (teams.yaml), so a move to another team moves where it listens.
  const channelsOf = (coworker: CoworkerDefinition) => workChannels(deps.people, coworker, 'slack');
  const commandDeps = { bus: deps.bus, store: deps.store, now: deps.now, signer: deps.signer };
  let nameOf: ((channel: string) => Promise<string | undefined>) | null = null;
  const channelName = (client: WebClient, channel: string) => (nameOf ??= channelNames(client))(channel);

  app.event('app_mention', async ({ event, body, client }) => {
    const thread = { channel: event.channel, threadTs: event.thread_ts ?? event.ts };
    const reply = (text: string) => client.chat.postMessage({ channel: thread.channel, thread_ts: thread.threadTs, text });
    const found = await directory.find(event.text.replace(MENTION, ''));
    if (!found) {
      await reply(`Who is this for? Start with a coworker's name, e.g. "@coworkers ava …". Coworkers: ${roster(await directory.roster())}.`);
      return;
    }
    const { coworker, rest } = found;
    const name = await channelName(client, event.channel);
    if (!name || !channelsOf(coworker).includes(name)) {
      await postAs(client, coworker, thread, { text: `I only take work in ${channelsOf(coworker).join(', ') || 'direct messages from my manager'}. Please ask me there.` });
      return;
    }
    if (!rest) {
      await postAs(client, coworker, thread, { text: 'What should I do? Mention me again with the task.' });
      return;
    }
    const task = await assignTask(commandDeps, { id: `slack-${body.event_id}`, coworkerId: coworker.id, text: rest, requestedBy: event.user ?? 'unknown', replyTo: thread });
    await postAs(client, coworker, thread, { text: `On it. I'll report here. (task ${task.id})` });
  });

  app.event('message', async ({ event, body, client }) => {
    // Only people's direct messages to the app; not edits, bots or channel chatter.
    if (event.channel_type !== 'im' || event.subtype !== undefined || !('text' in event) || !event.text || !('user' in event)) return;
    const user = event.user;
    const thread = { channel: event.channel, threadTs: event.ts };
    const found = await directory.find(event.text);
    if (!found) {
      const mine = (await directory.roster()).filter((coworker) => coworker.manager.id === user);
      await client.chat.postMessage({ channel: event.channel, text: `Start with the name of a coworker. Yours: ${roster(mine)}.` });
      return;
    }
    const { coworker, rest } = found;
    if (!mayDirect(coworker, user)) {
      await postAs(client, coworker, thread, { text: `Thanks for reaching out! I take direct requests from my manager only. Please ask me in ${coworker.channels.join(', ') || 'my team’s channel'}.` });
      return;
    }
    const status = (await deps.store.getCoworker(coworker.id))?.status;
    if (status?.state.status === 'blocked' && status.blockId) {
      // Named by the event: a repeat of this message is the same command, and answers this block only.
      await answerBlock(commandDeps, { id: `slack-${body.event_id}`, coworkerId: coworker.id, blockId: status.blockId, answer: rest || event.text, by: user });
      await postAs(client, coworker, thread, { text: 'Thanks, carrying on.' });
      return;
    }
    const task = await assignTask(commandDeps, { id: `slack-${body.event_id}`, coworkerId: coworker.id, text: rest, requestedBy: user, replyTo: thread });
    await postAs(client, coworker, thread, { text: `On it. (task ${task.id})` });
  });

  app.command('/coworker', async ({ command, ack, respond, client }) => {
    await ack(); // within Slack's three seconds; the rest follows
    const assign = /^\s*assign(?:\s+(.*))?$/is.exec(command.text);
    if (assign) {
      await handleAssign(client, deps, { channel: command.channel_id, user: command.user_id }, assign[1] ?? '');
      return;
    }
    const found = await directory.find(command.text);
    if (!found || !found.rest) {
      await respond({ response_type: 'ephemeral', text: `Usage: /coworker <name> <task>, or /coworker assign <name> --team <team> --manager @person. Coworkers: ${roster(await directory.roster())}.` });
      return;
    }
    const { coworker, rest } = found;
    const name = await channelName(client, command.channel_id);
    if (!name || !channelsOf(coworker).includes(name)) {
      await respond({ response_type: 'ephemeral', text: `${coworker.name} takes work in ${channelsOf(coworker).join(', ') || 'direct messages from its manager'}; ask there.` });
      return;
    }
    const posted = await postAs(client, coworker, { channel: command.channel_id }, { text: `<@${command.user_id}> asked me: ${rest}\nOn it, I'll report in this thread.` });
    await assignTask(commandDeps, { id: `slack-${command.trigger_id}`, coworkerId: coworker.id, text: rest, requestedBy: command.user_id, replyTo: { channel: posted.channel, threadTs: posted.ts } });
  });
}
