// Coworkers to people in Teams: reports and blockers go to the Teams thread the task came from
// (mentioning the manager), or to a one-to-one chat with whoever they are for, when Teams knows them.
import type { Logger } from 'pino';
import type { BusMessage } from '../../messaging/index.ts';
import type { Directory } from '../chat/directory.ts';
import { createSeenEvents } from '../chat/seen-events.ts';
import type { TeamsPeople } from './teams-people.ts';
import type { TeamsVoice } from './teams-voice.ts';

export function createTeamsReporter(deps: { directory: Directory; teamsPeople: TeamsPeople; voice: TeamsVoice; logger: Logger }) {
  const { directory, teamsPeople, voice } = deps;
  const seen = createSeenEvents();
  return (message: BusMessage) =>
    seen.once(message, async (event) => {
      if (event.type !== 'message' || event.to.kind === 'channel') return;
      const coworker = await directory.byId(event.coworkerId);
      if (!coworker) return;
      const managers = [coworker.manager];
      const entraId = teamsPeople.teamsIdOf(event.to.id, managers);
      if (event.thread) {
        // The person who asked is in the thread: one post there, addressed to the manager.
        if (event.thread.chat !== 'teams' || event.to.kind === 'user') return;
        const mention = entraId ? { entraId, name: teamsPeople.nameOf(event.to.id, managers) } : undefined;
        await voice.say(coworker, event.thread.channel, mention ? event.text : `For ${teamsPeople.nameOf(event.to.id, managers)}: ${event.text}`, mention);
        return;
      }
      if (!entraId) return;
      // Teams refuses a chat with someone who has not added the app: say so rather than retry forever.
      await voice
        .chatWith(entraId)
        .then((chat) => voice.say(coworker, chat, event.text))
        .catch((error: unknown) => deps.logger.warn({ err: error, coworker: coworker.id, entraId }, 'could not report in Teams (a 403 from Teams means the person has not added the app)'));
    });
}
