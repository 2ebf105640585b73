// People to coworkers in Teams: a coworker named after the app's @mention in one of its channels,
// or in a one-to-one chat by its manager or an approver, gets a task (or, while it is blocked, the
// manager's answer). Task ids come from the activity's own id, so a redelivered one queues nothing twice.
import type { App } from '@microsoft/teams.apps';
import type { Logger } from 'pino';
import type { Bus } from '../../messaging/index.ts';
import type { CoworkerSummary, Store } from '../../persistence/index.ts';
import { sha256, type ChatThread, type CoworkerDefinition, type Signer } from '../../protocol/index.ts';
import { answerBlock, assignTask } from '../coworker-commands.ts';
import { mayDirect, type Directory } from '../chat/directory.ts';
import { workChannels, type People } from '../people.ts';
import { sameChannel } from './teams-channels.ts';
import type { TeamsPeople } from './teams-people.ts';
import type { TeamsVoice } from './teams-voice.ts';

export interface TeamsIntakeDeps {
  bus: Bus;
  store: Store;
  directory: Directory;
  people: People;
  teamsPeople: TeamsPeople;
  voice: TeamsVoice;
  channelName: (teamId: string, channelId: string) => Promise<string | undefined>;
  logger: Logger;
  now: () => number;
  /** Signs the decisions, answers and assignments of the people this gateway signed in. */
  signer: Signer;
}

/** What people wrote, without the app's mention and Teams' markup. */
export function plainText(text: string | undefined): string {
  return (text ?? '')
    .replace(/<at>[^<]*<\/at>/g, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim();
}

function roster(coworkers: CoworkerSummary[]): string {
  return coworkers.map((coworker) => `**${coworker.name}** (${coworker.role})`).join(', ') || 'none yet';
}

/** Where the answer goes: a channel post's own thread, the thread it was written in, or the chat. */
function threadOf(activity: { id: string; conversation: { id: string; conversationType?: string } }): ChatThread {
  const { id, conversationType } = activity.conversation;
  const threaded = conversationType === 'channel' && !id.includes(';messageid=');
  return { chat: 'teams', channel: threaded ? `${id};messageid=${activity.id}` : id, threadTs: activity.id };
}

export function registerTeamsIntake(app: App, deps: TeamsIntakeDeps): void {
  const { directory, voice } = deps;
  const commandDeps = { bus: deps.bus, store: deps.store, now: deps.now, signer: deps.signer };
  const teamsChannelsOf = (coworker: CoworkerDefinition) => workChannels(deps.people, coworker, 'teams');
  const where = (coworker: CoworkerDefinition) => teamsChannelsOf(coworker).map((channel) => channel.slice('teams:'.length)).join(', ') || 'a direct chat with me, for my manager';

  // Added to a team or a chat: say who is here and how to give them work.
  app.on('install.add', async ({ send }) => {
    await send(`Hi! Through this app you give work to your AI coworkers and approve what they want to do. Coworkers: ${roster(await directory.roster())}. Write a coworker's name and the task, e.g. "ava pull last week's ad numbers" (in a channel, mention the app first).`);
  });

  app.on('message', async ({ activity, send }) => {
    const entraId = activity.from.aadObjectId;
    if (!entraId || activity.from.role === 'bot') return; // people only
    const kind = activity.conversation.conversationType ?? 'personal';
    const thread = threadOf(activity);
    const taskId = `teams-${sha256(`${activity.conversation.id}:${activity.id}`).slice(0, 20)}`;
    const found = await directory.find(plainText(activity.text));
    if (!found) {
      await send(`Who is this for? Start with a coworker's name, e.g. "ava, pull last week's numbers". Coworkers: ${roster(await directory.roster())}.`);
      return;
    }
    const { coworker, rest } = found;
    const person = deps.teamsPeople.personOf(entraId, { managers: [coworker.manager] });
    const reply = (text: string) => voice.say(coworker, thread.channel, text);

    if (kind === 'personal') {
      if (!mayDirect(coworker, person)) {
        await reply(`Thanks for reaching out! I take direct requests from my manager only. Please ask me in ${where(coworker)}.`);
        return;
      }
      const status = (await deps.store.getCoworker(coworker.id))?.status;
      if (status?.state.status === 'blocked' && status.blockId) {
        // Named by the activity: a repeat of this message is the same command, and answers this block only.
        await answerBlock(commandDeps, { id: taskId, coworkerId: coworker.id, blockId: status.blockId, answer: rest || plainText(activity.text), by: person });
        await reply('Thanks, carrying on.');
        return;
      }
      if (!rest) return void (await reply('What should I do? Write my name and then the task.'));
      const task = await assignTask(commandDeps, { id: taskId, coworkerId: coworker.id, text: rest, requestedBy: person, replyTo: thread });
      await reply(`On it. (task ${task.id})`);
      return;
    }

    const channelData = activity.channelData as { team?: { id?: string }; channel?: { id?: string } } | undefined;
    const teamId = channelData?.team?.id;
    const channelId = channelData?.channel?.id;
    const name = kind === 'channel' && teamId && channelId ? await deps.channelName(teamId, channelId) : undefined;
    if (!name || !teamsChannelsOf(coworker).some((channel) => sameChannel(channel, name))) {
      await reply(`I only take work in ${where(coworker)}. Please ask me there.`);
      return;
    }
    if (!rest) return void (await reply('What should I do? Mention the app again with my name and the task.'));
    const task = await assignTask(commandDeps, { id: taskId, coworkerId: coworker.id, text: rest, requestedBy: person, replyTo: thread });
    await reply(`On it. I'll report here. (task ${task.id})`);
  });
}
