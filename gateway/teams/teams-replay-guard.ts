// Teams redelivers an activity it thinks went unanswered, and a captured one can be sent again
// while its token is valid. Each activity (conversation and activity id) is handled once, in this
// gateway process or any other, before a restart too; a repeat gets the first answer (an invoke's
// card), or an empty one when another process is still making it.
import type { App } from '@microsoft/teams.apps';
import type { Logger } from 'pino';
import type { Documents } from '../../persistence/index.ts';
import { createReplayMemory } from '../chat/replay-memory.ts';

/** How long an activity is remembered. */
const REMEMBER_MS = 10 * 60_000;

type Middleware = Parameters<App['use']>[0];

export interface TeamsReplayGuard {
  middleware: Middleware;
  stop(): void;
}

export function createTeamsReplayGuard(options: { documents: Documents; logger: Logger; now: () => number }): TeamsReplayGuard {
  const memory = createReplayMemory({ ...options, chat: 'teams', rememberMs: REMEMBER_MS });
  return {
    middleware: async ({ activity, next }) => {
      const outcome = await memory.once(`${activity.conversation?.id}:${activity.id}`, async () => (await next()) ?? undefined);
      return outcome.repeat ? await outcome.firstAnswer : outcome.answer;
    },
    stop: () => memory.stop(),
  };
}
