// The Slack gateway: one Bolt app for every coworker. Its HTTP receiver takes events,
// interactivity and slash commands at /slack/events (or Socket Mode with an app token); it meets
// the runtime only over the bus, so it runs inside `coworkers up` or as `coworkers gateway`. It
// also serves the `slack.post` tool, so a coworker's posts go through the same app.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { App, HTTPReceiver, LogLevel } from '@slack/bolt';
import { retryPolicies } from '@slack/web-api';
import type { Logger } from 'pino';
import { grantsFromStore, serveConnector } from '../../connectors/index.ts';
import type { Bus, Subscription } from '../../messaging/index.ts';
import type { Store } from '../../persistence/index.ts';
import { subjects, type CoworkerEvent, type Signer, type TrustedKeys } from '../../protocol/index.ts';
import type { People } from '../people.ts';
import { createApprovalFlow } from './slack-approvals.ts';
import { DEFAULT_CONSOLE_URL } from '../chat/approval-facts.ts';
import { createDirectory } from '../chat/directory.ts';
import { registerIntake } from './slack-intake.ts';
import { createReplayGuard, refuseFutureRequests } from './slack-replay-guard.ts';
import { createReporter } from './slack-reports.ts';
import { createSlackConnector } from './slack-connector.ts';

export interface SlackGatewayOptions {
  bus: Bus;
  store: Store;
  botToken: string;
  signingSecret: string;
  /** With an app token (xapp-…), Socket Mode: no public URL needed. */
  appToken?: string;
  /** HTTP port of /slack/events; 0 picks a free one. */
  port: number;
  /** Where the Web API client sends its calls; Slack's own by default. */
  slackApiUrl?: string;
  logger: Logger;
  now?: () => number;
  /** Signs the decisions, answers and assignments of the people this gateway signed in. */
  signer: Signer;
  /** The runtimes whose signed grants the `slack.post` tool it serves takes. */
  trust: Pick<TrustedKeys, 'runtimes'>;
  /** users.yaml and teams.yaml, for `/coworker assign` and teams' channels; nobody and no teams when left out. */
  people?: People;
  /** The console's public URL: an approval too long for Slack links to its page there. */
  consoleUrl?: string;
}

export interface SlackGateway {
  /** The port /slack/events listens on (HTTP mode). */
  port: number | null;
  close(): Promise<void>;
}

/** Bolt's log lines go through pino, under the gateway's name. */
function boltLogger(logger: Logger) {
  const child = logger.child({ component: 'slack' });
  let level = LogLevel.INFO;
  return {
    debug: (...message: unknown[]) => child.debug(message.join(' ')),
    info: (...message: unknown[]) => child.info(message.join(' ')),
    warn: (...message: unknown[]) => child.warn(message.join(' ')),
    error: (...message: unknown[]) => child.error(message.join(' ')),
    setLevel: (next: typeof level) => void (level = next),
    getLevel: () => level,
    setName: () => {},
  };
}

/** Bolt's receiver at /slack/events, behind a check Bolt lacks: a request dated in the future gets 401. */
function httpReceiver(signingSecret: string, logger: Logger, now: () => number): HTTPReceiver {
  const receiver = new HTTPReceiver({ signingSecret, endpoints: '/slack/events', logger: boltLogger(logger) });
  receiver.requestListener = refuseFutureRequests(receiver.requestListener, { logger, now });
  return receiver;
}

export async function startSlackGateway(options: SlackGatewayOptions): Promise<SlackGateway> {
  const { bus, store, logger } = options;
  const now = options.now ?? Date.now;
  // Slack's default is ten retries over half an hour; a gateway that is stopping should not wait on them.
  const clientOptions = { retryConfig: retryPolicies.fiveRetriesInFiveMinutes, ...(options.slackApiUrl ? { slackApiUrl: options.slackApiUrl } : {}) };
  const app = options.appToken
    ? new App({ token: options.botToken, appToken: options.appToken, socketMode: true, clientOptions, logger: boltLogger(logger) })
    : new App({ token: options.botToken, receiver: httpReceiver(options.signingSecret, logger, now), clientOptions, logger: boltLogger(logger) });
  app.error(async (error) => logger.error({ err: error }, 'slack request failed'));

  const directory = createDirectory(store, now);
  const replayGuard = createReplayGuard({ documents: store.documents, logger, now });
  app.use(replayGuard.middleware);
  registerIntake(app, { bus, store, directory, people: options.people ?? { users: [], teams: null }, logger, now, signer: options.signer });
  const approvals = createApprovalFlow(app, { bus, store, directory, logger, now, signer: options.signer, consoleUrl: options.consoleUrl ?? DEFAULT_CONSOLE_URL });
  const report = createReporter(app, directory);
  const connector = createSlackConnector(app.client, directory);

  // Durable consumers: what coworkers said while the gateway was down reaches Slack when it is back.
  const subscriptions: Subscription[] = [
    await bus.consume(subjects.event('*', 'approval.requested'), approvals.onApprovalRequested, { durable: 'slack-approvals' }),
    await bus.consume(subjects.event('*', 'approval.decided'), approvals.onApprovalDecided, { durable: 'slack-decisions' }),
    await bus.consume(subjects.event('*', 'message'), report, { durable: 'slack-messages', concurrency: 8 }),
    await serveConnector({ bus, connector, documents: store.documents, grants: grantsFromStore(store), trust: options.trust, logger }),
    // Live, in every gateway process: a coworker assigned a new team or manager is read again at once.
    await bus.subscribe(subjects.allAudit, (message) => {
      const event = message.data as CoworkerEvent;
      if (event.type === 'audit' && event.entry.kind === 'assigned') directory.forget(event.coworkerId);
    }),
  ];
  const started = await app.start(options.port);
  const port = options.appToken ? null : ((started as Server).address() as AddressInfo).port;
  logger.info({ port, socketMode: Boolean(options.appToken) }, 'slack gateway listening');
  return {
    port,
    async close() {
      await Promise.all(subscriptions.map((subscription) => subscription.stop()));
      await app.stop();
      replayGuard.stop();
    },
  };
}
