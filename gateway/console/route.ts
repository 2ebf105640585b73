// The shape of a console route: what each handler receives and answers.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { Bus } from '../../messaging/index.ts';
import type { Store } from '../../persistence/index.ts';
import type { Signer } from '../../protocol/index.ts';
import type { People } from '../people.ts';
import type { EventStreams } from './event-stream.ts';
import type { JsonReply } from './http.ts';
import type { LiveFeed } from './live-feed.ts';
import type { Session, SessionSigner } from './sessions.ts';
import type { SignInLimiter } from './sign-in-limiter.ts';

/** A signed-in person as the API shows them. */
export interface ConsoleUser {
  login: string;
  name: string;
  /** Who they are in approvals, tasks and the audit trail (`personId`: their Slack id, else their Teams id). */
  id: string;
}

export interface ConsoleDeps {
  bus: Bus;
  store: Store;
  logger: Logger;
  now: () => number;
  /** By login; each with the scrypt hash its password is checked against. */
  users: Map<string, { user: ConsoleUser; passwordHash: string }>;
  /** Checked for unknown logins too, so the answer takes as long as for a wrong password. */
  decoyHash: string;
  sessions: SessionSigner;
  limiter: SignInLimiter;
  feed: LiveFeed;
  streams: EventStreams;
  /** users.yaml and teams.yaml: team names, and who may become a coworker's manager. */
  people: People;
  /** Signs the decisions and assignments of the people signed in here. */
  signer: Signer;
}

export interface RouteRequest {
  request: IncomingMessage;
  response: ServerResponse;
  url: URL;
  /** The path's captured parts, URL-decoded. */
  params: string[];
  address: string;
}

export interface SignedInRequest extends RouteRequest {
  user: ConsoleUser;
  session: Session;
}

export type Route =
  | { method: string; path: RegExp; public: true; handle(deps: ConsoleDeps, request: RouteRequest): Promise<JsonReply> }
  /** A handler that streams its own response answers void. */
  | { method: string; path: RegExp; public?: false; handle(deps: ConsoleDeps, request: SignedInRequest): Promise<JsonReply | void> };
