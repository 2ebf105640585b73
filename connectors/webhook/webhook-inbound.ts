// The inbound side: a node:http server taking signed POSTs to <pathPrefix>/<event>, each checked
// (signature, freshness, size, JSON, not seen before) and published as the trigger event
// `webhook.<event>`, with the sender's JSON under `payload`, marked untrusted.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { ConnectorContext } from '../connector-kit.ts';
import { DELIVERY_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, refuseSignature } from './webhook-signature.ts';
import type { InboundSettings } from './webhook.settings.ts';

const MAX_DELIVERY_ID = 200;

export interface InboundOptions {
  settings: InboundSettings;
  secret: string;
  emit: ConnectorContext['emit'];
  logger: Logger;
  now(): number;
}

export interface InboundServer {
  /** Where it listens, e.g. http://127.0.0.1:8787/hooks. */
  url: string;
  stop(): Promise<void>;
}

export async function startInbound({ settings, secret, emit, logger, now }: InboundOptions): Promise<InboundServer> {
  const events = new Set(settings.events);
  const deliveries = createDeliveryMemory(settings.toleranceSeconds * 1000);

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== 'POST') return answer(res, 405, 'use POST', { Allow: 'POST' });
    const event = eventOf(req.url ?? '');
    if (!event) return answer(res, 404, 'no webhook event is taken at this path');
    const body = await readBody(req, settings.maxBytes);
    if (!body) return answer(res, 413, `the body is larger than ${settings.maxBytes} bytes`, { Connection: 'close' });
    const refused = refuseSignature({
      secret,
      body,
      signature: header(req, SIGNATURE_HEADER),
      timestamp: header(req, TIMESTAMP_HEADER),
      nowSeconds: Math.floor(now() / 1000),
      toleranceSeconds: settings.toleranceSeconds,
    });
    if (refused) {
      logger.warn({ event, reason: refused }, 'Refused a webhook');
      return answer(res, 401, refused);
    }
    let payload: unknown;
    try {
      payload = JSON.parse(body.toString('utf8'));
    } catch {
      return answer(res, 400, 'the body is not JSON');
    }
    // The sender's delivery id makes a retry recognisable; without one, the same signed request is.
    const id = header(req, DELIVERY_HEADER) ?? header(req, SIGNATURE_HEADER)!;
    if (id.length > MAX_DELIVERY_ID) return answer(res, 400, `X-Coworkers-Delivery is longer than ${MAX_DELIVERY_ID} characters`);
    if (!deliveries.claim(id, now())) return answer(res, 200, 'already received');
    try {
      await emit(`webhook.${event}`, { payload, untrusted: true, receivedAt: new Date(now()).toISOString() }, id);
    } catch (error) {
      deliveries.release(id);
      logger.error({ err: error, event }, 'Could not publish a webhook event');
      return answer(res, 503, 'the event could not be published; send it again');
    }
    answer(res, 202, 'accepted');
  }

  function eventOf(url: string): string | undefined {
    const path = url.split('?')[0]!;
    const prefix = `${settings.pathPrefix}/`;
    const name = path.startsWith(prefix) ? path.slice(prefix.length) : undefined;
    return name !== undefined && events.has(name) ? name : undefined;
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      logger.error({ err: error }, 'A webhook request failed');
      if (!res.headersSent) answer(res, 500, 'internal error');
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(settings.port, settings.host, () => resolve());
  });
  const { address, port } = server.address() as AddressInfo;
  const url = `http://${address.includes(':') ? `[${address}]` : address}:${port}${settings.pathPrefix}`;
  logger.info({ url, events: settings.events }, 'Receiving webhooks');
  return {
    url,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return (Array.isArray(value) ? value[0] : value)?.trim() || undefined;
}

function answer(res: ServerResponse, status: number, message: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', ...headers }).end(`${message}\n`);
}

/** The body, or undefined once it is larger than `maxBytes` (the rest is not read). */
function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer | undefined> {
  if (Number(req.headers['content-length'] ?? 0) > maxBytes) return Promise.resolve(undefined);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        req.pause();
        resolve(undefined);
      } else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/**
 * The delivery ids taken, each kept for twice the tolerance after it arrived: a request's
 * timestamp may be up to the tolerance old or ahead, so no accepted copy outlives that. Ids
 * arrive in order of expiry, so the expired ones are always at the front.
 */
function createDeliveryMemory(toleranceMs: number) {
  const expiries = new Map<string, number>();
  return {
    claim(id: string, now: number): boolean {
      for (const [seen, expiry] of expiries) {
        if (expiry > now) break;
        expiries.delete(seen);
      }
      if (expiries.has(id)) return false;
      expiries.set(id, now + 2 * toleranceMs);
      return true;
    },
    release(id: string): void {
      expiries.delete(id);
    },
  };
}
