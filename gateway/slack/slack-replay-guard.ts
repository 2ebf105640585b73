// Bolt checks signatures and refuses requests over five minutes old, but accepts a validly signed
// request sent again inside that window, and Slack itself re-sends events it thinks timed out
// (X-Slack-Retry-Num). Each request Slack makes carries an id of its own: seen ids are answered
// (so Slack stops retrying) and dropped.
import type { Middleware, AnyMiddlewareArgs } from '@slack/bolt';

/** Longer than the five minutes a signed request stays valid. */
const REMEMBER_MS = 6 * 60 * 1000;

/** The id of one request from Slack: the same for a retry or a replay, different for anything new. */
function requestFingerprint(body: Record<string, any>): string | undefined {
  if (body.type === 'event_callback') return `event:${body.event_id}`;
  if (body.type === 'block_actions') return `action:${body.user?.id}:${body.actions?.[0]?.action_ts}`;
  if (body.type === 'view_submission') return `view:${body.view?.id}:${body.view?.hash}`;
  if (body.command) return `command:${body.trigger_id}`;
  return undefined;
}

export function createReplayGuard(now: () => number = Date.now): Middleware<AnyMiddlewareArgs> {
  const seen = new Map<string, number>();
  return async (args) => {
    const { body, next } = args;
    const fingerprint = requestFingerprint(body as Record<string, any>);
    const at = now();
    for (const [key, expires] of seen) {
      if (expires > at) break; // insertion order is expiry order
      seen.delete(key);
    }
    if (fingerprint && seen.has(fingerprint)) {
      const ack = (args as { ack?: () => Promise<void> }).ack;
      await ack?.();
      return;
    }
    if (fingerprint) seen.set(fingerprint, at + REMEMBER_MS);
    await next();
  };
}
