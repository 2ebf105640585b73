// GET /api/events: the live feed as server-sent events (state, approval, message, audit), a
// keep-alive comment every 15 s, closed when the session expires, when the client falls too far
// behind, or when the server closes.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CoworkerEvent } from '../../protocol/index.ts';
import { approvalShown } from '../chat/approval-facts.ts';
import { HttpError, SECURITY_HEADERS } from './http.ts';
import type { LiveFeed } from './live-feed.ts';

const KEEP_ALIVE_MS = 15_000;
const MAX_STREAMS = 200;
/** A client that has not read this much is gone or stuck; drop it rather than buffer more. */
const MAX_UNREAD_BYTES = 1024 * 1024;

export interface EventStreams {
  open(request: IncomingMessage, response: ServerResponse, sessionEndsAt: number): void;
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

export function createEventStreams(feed: LiveFeed, now: () => number): EventStreams {
  const closers = new Set<() => void>();

  return {
    open(request, response, sessionEndsAt) {
      if (closers.size >= MAX_STREAMS) throw new HttpError(503, 'TOO_MANY_STREAMS', 'Too many live streams are open on this console.', { hint: 'close other console tabs and reload' });
      response.writeHead(200, { ...SECURITY_HEADERS, 'content-type': 'text/event-stream; charset=utf-8', connection: 'keep-alive' });
      response.write(': connected\n\n');
      const send = (text: string) => {
        if (response.writableLength > MAX_UNREAD_BYTES) close();
        else response.write(text);
      };
      const unlisten = feed.listen((event) => {
        const frame = sseFrame(event);
        if (frame) send(frame);
      });
      const keepAlive = setInterval(() => send(': keep-alive\n\n'), KEEP_ALIVE_MS);
      const expiry = setTimeout(() => close(), Math.max(0, sessionEndsAt - now()));
      function close() {
        if (!closers.delete(close)) return;
        unlisten();
        clearInterval(keepAlive);
        clearTimeout(expiry);
        response.end();
      }
      closers.add(close);
      request.once('close', close);
    },
    closeAll() {
      for (const close of [...closers]) close();
    },
  };
}
