// The Microsoft Teams gateway: one Teams app (bot) for every coworker, on the Teams SDK
// (@microsoft/teams.apps). Teams posts activities to /api/messages with a Bot Framework token
// the SDK checks; mentions and chats become tasks, approvals become Adaptive Cards, reports go to
// threads and chats. Like the Slack gateway it meets the runtime only over the bus and shares its
// approval, state and audit code (gateway/chat/, gateway/approval-commands.ts).
import { inspect } from 'node:util';
import { App } from '@microsoft/teams.apps';
import { cloudFromName, type CloudEnvironment } from '@microsoft/teams.api';
import type { ILogger } from '@microsoft/teams.common';
import type { Logger } from 'pino';
import type { Bus, Subscription } from '../../messaging/index.ts';
import type { Store } from '../../persistence/index.ts';
import { subjects, type CoworkerEvent, type Signer } from '../../protocol/index.ts';
import { DEFAULT_CONSOLE_URL } from '../chat/approval-facts.ts';
import { createDirectory } from '../chat/directory.ts';
import type { People } from '../people.ts';
import { createTeamsApprovals } from './teams-approvals.ts';
import { createChannelNames } from './teams-channels.ts';
import { createTeamsHttp } from './teams-http.ts';
import { registerTeamsIntake } from './teams-intake.ts';
import { createTeamsPeople } from './teams-people.ts';
import { createTeamsReplayGuard } from './teams-replay-guard.ts';
import { createTeamsReporter } from './teams-reports.ts';
import { createTeamsVoice } from './teams-voice.ts';

export interface TeamsGatewayOptions {
  bus: Bus;
  store: Store;
  logger: Logger;
  /** The bot's Microsoft Entra app (client) id and the tenant it is registered in. */
  clientId: string;
  tenantId: string;
  /** How the bot gets its tokens to call Teams: its client secret, or a function that returns a token. */
  clientSecret?: string;
  token?: () => Promise<string>;
  /** HTTP port of /api/messages; 0 picks a free one. */
  port: number;
  host?: string;
  /** The Bot Connector for messages the gateway starts (reports, approvals); Teams' global one by default. */
  serviceUrl?: string;
  /** A sovereign cloud by name, or a cloud of one's own (a test's token issuer); Microsoft's public cloud by default. */
  cloud?: 'Public' | 'USGov' | 'USGovDoD' | 'China' | CloudEnvironment;
  /** Accepts requests without a Teams token: for local tests only, and said loudly in the log. */
  dangerouslySkipAuth?: boolean;
  now?: () => number;
  /** Signs the decisions, answers and assignments of the people this gateway signed in. */
  signer: Signer;
  /** users.yaml (who is who in Teams) and teams.yaml (teams' channels); nobody and no teams when left out. */
  people?: People;
  /** The console's public URL: an approval too long for a card links to its page there. */
  consoleUrl?: string;
}

export interface TeamsGateway {
  port: number;
  close(): Promise<void>;
}

/** The SDK's log lines go through pino (and its redaction), under the gateway's name; its chatty info lines (MSAL's among them) at debug. */
function sdkLogger(logger: Logger): ILogger {
  const line = (message: unknown[]) => message.map((part) => (typeof part === 'string' ? part : inspect(part, { depth: 3, breakLength: Infinity }))).join(' ');
  const wrap = (child: Logger): ILogger => ({
    trace: (...message: unknown[]) => child.trace(line(message)),
    debug: (...message: unknown[]) => child.debug(line(message)),
    info: (...message: unknown[]) => child.debug(line(message)),
    warn: (...message: unknown[]) => child.warn(line(message)),
    error: (...message: unknown[]) => child.error(line(message)),
    log: (level, ...message: unknown[]) => child[level === 'info' ? 'debug' : level](line(message)),
    child: (name: string) => wrap(child.child({ sdk: name })),
  });
  return wrap(logger.child({ component: 'teams' }));
}

export async function startTeamsGateway(options: TeamsGatewayOptions): Promise<TeamsGateway> {
  const { bus, store, logger } = options;
  const now = options.now ?? Date.now;
  if (options.dangerouslySkipAuth) {
    logger.error('TEAMS AUTHENTICATION IS OFF (TEAMS_SKIP_AUTH): /api/messages accepts requests without a Teams token, so anyone who reaches it can act as anyone. Use this only for local tests.');
  }
  const http = createTeamsHttp();
  const credentials = options.token ? { token: options.token } : options.clientSecret ? { clientSecret: options.clientSecret } : {};
  const app = new App({
    clientId: options.clientId,
    tenantId: options.tenantId,
    ...credentials,
    httpServerAdapter: http,
    logger: sdkLogger(logger),
    dangerouslyAllowUnauthenticatedRequests: options.dangerouslySkipAuth ?? false,
    ...(options.serviceUrl && { serviceUrl: options.serviceUrl }),
    ...(options.cloud && { cloud: typeof options.cloud === 'string' ? cloudFromName(options.cloud) : options.cloud }),
  });

  const replayGuard = createTeamsReplayGuard({ documents: store.documents, logger, now });
  app.use(replayGuard.middleware);

  const people = options.people ?? { users: [], teams: null };
  const directory = createDirectory(store, now);
  const teamsPeople = createTeamsPeople(people);
  const voice = createTeamsVoice(app, { clientId: options.clientId, tenantId: options.tenantId });
  registerTeamsIntake(app, { bus, store, directory, people, teamsPeople, voice, channelName: createChannelNames(app, now), logger, now, signer: options.signer });
  const approvals = createTeamsApprovals(app, { bus, store, directory, teamsPeople, voice, logger, now, signer: options.signer, consoleUrl: options.consoleUrl ?? DEFAULT_CONSOLE_URL });
  app.event('error', ({ error }) => logger.error({ err: error }, 'teams activity failed'));

  await app.initialize();
  const port = await http.listen(options.port, options.host);
  // Durable consumers: what coworkers said while the gateway was down reaches Teams when it is back.
  const subscriptions: Subscription[] = [
    await bus.consume(subjects.event('*', 'approval.requested'), approvals.onApprovalRequested, { durable: 'teams-approvals' }),
    await bus.consume(subjects.event('*', 'approval.decided'), approvals.onApprovalDecided, { durable: 'teams-decisions' }),
    await bus.consume(subjects.event('*', 'message'), createTeamsReporter({ directory, teamsPeople, voice, logger }), { durable: 'teams-messages', concurrency: 8 }),
    // Live, in every gateway process: a coworker assigned a new team or manager is read again at once.
    await bus.subscribe(subjects.allAudit, (message) => {
      const event = message.data as CoworkerEvent;
      if (event.type === 'audit' && event.entry.kind === 'assigned') directory.forget(event.coworkerId);
    }),
  ];
  logger.info({ port, endpoint: '/api/messages' }, 'teams gateway listening');
  return {
    port,
    async close() {
      await Promise.all(subscriptions.map((subscription) => subscription.stop()));
      await http.close();
      replayGuard.stop();
    },
  };
}
