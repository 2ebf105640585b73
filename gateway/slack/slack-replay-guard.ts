// Bolt checks signatures and refuses requests over five minutes old, but accepts a validly signed
// request sent again inside that window, and Slack itself re-sends events it thinks timed out
// (X-Slack-Retry-Num). Each request Slack makes carries an id of its own: seen ids, in this
// gateway process or any other, before a restart too, are answered (so Slack stops retrying) and
// dropped. Requests dated in the future are refused before Bolt sees them (`refuseFutureRequests`).
import type { IncomingMessage, RequestListener } from 'node:http';
import type { Middleware, AnyMiddlewareArgs } from '@slack/bolt';
import type { Logger } from 'pino';
import type { Documents } from '../../persistence/index.ts';
import { createReplayMemory, type ReplayMemory } from '../chat/replay-memory.ts';

/** Longer than the five minutes a signed request stays valid. */
const REMEMBER_MS = 6 * 60 * 1000;
/** Bolt's own limit for old requests, applied to the other side. */
const MAX_SKEW_MS = 5 * 60 * 1000;

/** The id of one request from Slack: the same for a retry or a replay, different for anything new. */
function requestFingerprint(body: Record<string, any>): string | undefined {
  if (body.type === 'event_callback') return `event:${body.event_id}`;
  if (body.type === 'block_actions') return `action:${body.user?.id}:${body.actions?.[0]?.action_ts}`;
  if (body.type === 'view_submission') return `view:${body.view?.id}:${body.view?.hash}`;
  if (body.command) return `command:${body.trigger_id}`;
  return undefined;
}

export interface ReplayGuard {
  middleware: Middleware<AnyMiddlewareArgs>;
  stop(): void;
}

export function createReplayGuard(options: { documents: Documents; logger: Logger; now: () => number }): ReplayGuard {
  const memory: ReplayMemory = createReplayMemory({ ...options, chat: 'slack', rememberMs: REMEMBER_MS });
  return {
    middleware: async (args) => {
      const fingerprint = requestFingerprint(args.body as Record<string, any>);
      if (!fingerprint) return void (await args.next());
      const { repeat } = await memory.once(fingerprint, () => args.next());
      if (repeat) await (args as { ack?: () => Promise<void> }).ack?.();
    },
    stop: () => memory.stop(),
  };
}

/** A signed timestamp more than five minutes ahead: Bolt refuses only old ones, so this says 401 first. */
function datedInFuture(request: IncomingMessage, now: number): boolean {
  const seconds = Number(request.headers['x-slack-request-timestamp']);
  return Number.isFinite(seconds) && seconds * 1000 > now + MAX_SKEW_MS;
}

/** Wraps the HTTP receiver's listener: a request dated in the future never reaches Bolt. */
export function refuseFutureRequests(listener: RequestListener, options: { logger: Logger; now: () => number }): RequestListener {
  return (request, response) => {
    if (!datedInFuture(request, options.now())) return listener(request, response);
    options.logger.warn({ timestamp: request.headers['x-slack-request-timestamp'] }, 'refused a Slack request dated more than five minutes ahead');
    request.resume();
    response.writeHead(401).end();
  };
}
