// GET /api/events: the live feed as server-sent events (state, approval, message, audit), only
// of the coworkers the person may see, a keep-alive comment every 15 s; closed when the session
// expires or is ended (here at once, in another console process within a second: every open
// stream's session is checked in the store each second, and what the person may see is
// refreshed then too), when the client falls too far behind, or when the server closes.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CoworkerEvent } from '../../protocol/index.ts';
import { approvalShown } from '../chat/approval-facts.ts';
import { HttpError, SECURITY_HEADERS } from './http.ts';
import type { LiveFeed } from './live-feed.ts';
import type { ConsoleUser } from './route.ts';

const KEEP_ALIVE_MS = 15_000;
const MAX_STREAMS = 200;
/** A client that has not read this much is gone or stuck; drop it rather than buffer more. */
const MAX_UNREAD_BYTES = 1024 * 1024;

const CHECK_EVERY_MS = 1_000;

export interface StreamOwner {
  user: ConsoleUser;
  sessionId: string;
  sessionEndsAt: number;
  /** Whether an event of this coworker may be sent to them. */
  canSee: (coworkerId: string) => boolean;
}

export interface StreamChecks {
  isLive(sessionId: string): Promise<boolean>;
  /** What each user may see now, asked once a second for the users with open streams. */
  visibility(users: ConsoleUser[]): Promise<Map<string, (coworkerId: string) => boolean>>;
  onError(error: unknown): void;
}

export interface EventStreams {
  open(request: IncomingMessage, response: ServerResponse, owner: StreamOwner): void;
  /** Closes the streams of an ended session, at once. */
  closeSession(sessionId: string): void;
  closeAll(): void;
}

/** The SSE frame for an event, or null for events the console does not stream. */
export function sseFrame(event: CoworkerEvent): string | null {
  const frame = (name: string, data: unknown) => `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`;
  const { coworkerId } = event;
  switch (event.type) {
    case 'state.changed':
      return frame('state', { coworkerId, status: event.status, at: event.at });
    case 'approval.requested':
      return frame('approval', { coworkerId, approval: { ...event.approval, shown: approvalShown(event.approval) } });
    case 'approval.decided':
      return frame('approval', { coworkerId, decided: { approvalId: event.approvalId, outcome: event.outcome, by: event.by } });
    case 'message':
      return frame('message', { coworkerId, at: event.at, to: event.to, text: event.text, ...(event.taskId ? { taskId: event.taskId } : {}) });
    case 'audit':
      return frame('audit', { coworkerId, entry: { id: event.id, coworkerId, at: event.at, ...event.entry } });
    default:
      return null;
  }
}

export function createEventStreams(feed: LiveFeed, now: () => number, checks: StreamChecks): EventStreams {
  const closers = new Set<() => void>();
  const owners = new Map<() => void, StreamOwner>();
  let checking = false;

  async function check(): Promise<void> {
    if (checking || owners.size === 0) return;
    checking = true;
    try {
      const sessionIds = new Set([...owners.values()].map((owner) => owner.sessionId));
      const ended = new Set<string>();
      for (const id of sessionIds) if (!(await checks.isLive(id))) ended.add(id);
      for (const id of ended) closeSession(id);
      const users = new Map([...owners.values()].map((owner) => [owner.user.login, owner.user]));
      const visibility = await checks.visibility([...users.values()]);
      for (const owner of owners.values()) owner.canSee = visibility.get(owner.user.login) ?? (() => false);
    } catch (error) {
      checks.onError(error);
    } finally {
      checking = false;
    }
  }
  const timer = setInterval(() => void check(), CHECK_EVERY_MS);
  timer.unref();

  function closeSession(sessionId: string): void {
    for (const [close, owner] of [...owners]) if (owner.sessionId === sessionId) close();
  }

  return {
    closeSession,
    open(request, response, owner) {
      const mine: StreamOwner = { ...owner };
      const sessionEndsAt = mine.sessionEndsAt;
      if (closers.size >= MAX_STREAMS) throw new HttpError(503, 'TOO_MANY_STREAMS', 'Too many live streams are open on this console.', { hint: 'close other console tabs and reload' });
      response.writeHead(200, { ...SECURITY_HEADERS, 'content-type': 'text/event-stream; charset=utf-8', connection: 'keep-alive' });
      response.write(': connected\n\n');
      const send = (text: string) => {
        if (response.writableLength > MAX_UNREAD_BYTES) close();
        else response.write(text);
      };
      const unlisten = feed.listen((event) => {
        if (!mine.canSee(event.coworkerId)) return;
        const frame = sseFrame(event);
        if (frame) send(frame);
      });
      const keepAlive = setInterval(() => send(': keep-alive\n\n'), KEEP_ALIVE_MS);
      const expiry = setTimeout(() => close(), Math.max(0, sessionEndsAt - now()));
      function close() {
        if (!closers.delete(close)) return;
        owners.delete(close);
        unlisten();
        clearInterval(keepAlive);
        clearTimeout(expiry);
        response.end();
      }
      closers.add(close);
      owners.set(close, mine);
      request.once('close', close);
    },
    closeAll() {
      clearInterval(timer);
      for (const close of [...closers]) close();
    },
  };
}
