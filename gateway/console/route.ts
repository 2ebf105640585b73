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
import type { OidcSignIn } from './oidc.ts';
import type { Access } from './access.ts';
import type { RefusalAudit } from './console-audit.ts';
import type { Session, Sessions } from './sessions.ts';
import type { SignInLimiter } from './sign-in-limiter.ts';

/** A signed-in person as the API shows them. */
export interface ConsoleUser {
  login: string;
  name: string;
  /** Who they are in approvals, tasks and the audit trail (`personId`: their Slack id, else their Teams id). */
  id: string;
  /** `role: admin` in users.yaml: sees and does everything. */
  admin: boolean;
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
  /** Every person of users.yaml by login, however they sign in (password or OpenID Connect): who a session is. */
  accounts: Map<string, ConsoleUser>;
  /** Server-side sessions in the store: issue, verify, end. */
  sessions: Sessions;
  /** Set-Cookie with `Secure`: the console is reached over https (COWORKERS_PUBLIC_URL). */
  secureCookies: boolean;
  /** The console's refusals, audited with a limit per person or address. */
  refusals: RefusalAudit;
  limiter: SignInLimiter;
  feed: LiveFeed;
  streams: EventStreams;
  /** users.yaml and teams.yaml: team names, and who may become a coworker's manager. */
  people: People;
  /** Signs the decisions and assignments of the people signed in here. */
  signer: Signer;
  /** Sign-in with OpenID Connect (routes-oidc.ts), or null when COWORKERS_OIDC_* are not set. */
  oidc: OidcSignIn | null;
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
  /** What this person may see and do (access.ts); the route's own rule is already checked. */
  access: Access;
}

/**
 * Who may call a route; the server checks every rule but "filtered" before the handler runs.
 * - signed-in: anyone signed in (their own session, the statechart's drawing)
 * - admin: admins only
 * - see-coworker / task-coworker / assign-coworker: the path's first part is a coworker the
 *   person may see / give tasks to / assign (404 when there is none, 403 when not theirs)
 * - filtered: the handler shows only what `access` allows (crew, approvals, audit, live events)
 */
export type AccessRule = 'signed-in' | 'admin' | 'see-coworker' | 'task-coworker' | 'assign-coworker' | 'filtered';

export type Route =
  | { method: string; path: RegExp; public: true; handle(deps: ConsoleDeps, request: RouteRequest): Promise<JsonReply> }
  /** A handler that streams its own response answers void. */
  | { method: string; path: RegExp; public?: false; access: AccessRule; handle(deps: ConsoleDeps, request: SignedInRequest): Promise<JsonReply | void> };
