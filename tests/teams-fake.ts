// A stand-in for Microsoft's side of Teams on a loopback port, for tests that run the real Teams
// SDK app: the Bot Framework's OpenID keys (so inbound tokens are checked for real, against a key
// pair made here), the Bot Connector API the gateway calls (recorded, answered like Teams does),
// and a signer for the activities Teams would post.
import { createSign, generateKeyPairSync, randomUUID, type KeyObject } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PUBLIC, withOverrides, type CloudEnvironment } from '@microsoft/teams.api';

export const BOT = { clientId: '00000000-0000-4000-8000-00000000b0b0', tenantId: '11111111-2222-4333-8444-555555555555', name: 'Coworkers' } as const;
const ISSUER = 'https://api.botframework.com';

export interface ConnectorCall {
  method: string;
  path: string;
  body: Record<string, any>;
  token: string | undefined;
  /** What the fake answered. */
  answer?: any;
}

export interface FakeTeams {
  /** The Bot Connector's URL: activities carry it, and the gateway calls it. */
  serviceUrl: string;
  /** Microsoft's public cloud with its token keys here. */
  cloud: CloudEnvironment;
  calls: ConnectorCall[];
  waitForCall(predicate: (call: ConnectorCall) => boolean, what: string, timeoutMs?: number): Promise<ConnectorCall>;
  /** A Bot Framework token as Teams sends it; `claims` override any of its claims. */
  token(claims?: Record<string, unknown>, key?: KeyObject): string;
  /** The gateway's own outbound token (the SDK reads its expiry). */
  outboundToken(): Promise<string>;
  close(): Promise<void>;
}

const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

export function signJwt(claims: Record<string, unknown>, key: KeyObject, kid = 'test-key'): string {
  const head = `${base64url({ alg: 'RS256', typ: 'JWT', kid })}.${base64url(claims)}`;
  return `${head}.${createSign('RSA-SHA256').update(head).sign(key).toString('base64url')}`;
}

async function readJson(request: IncomingMessage): Promise<Record<string, any>> {
  let text = '';
  for await (const chunk of request) text += chunk;
  return text ? (JSON.parse(text) as Record<string, any>) : {};
}

export interface FakeTeamsOptions {
  /** Teams' teams and their channels by id: `{ [teamId]: { name, channels: { [channelId]: name } } }`. */
  teams?: Record<string, { name: string; channels: Record<string, string> }>;
  /** Entra ids of people who have not added the app: Teams refuses to open a chat with them. */
  withoutTheApp?: string[];
}

export async function startFakeTeams(options: FakeTeamsOptions = {}): Promise<FakeTeams> {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwks = { keys: [{ ...publicKey.export({ format: 'jwk' }), kid: 'test-key', use: 'sig', alg: 'RS256' }] };
  const calls: ConnectorCall[] = [];
  const waiters = new Set<{ predicate: (call: ConnectorCall) => boolean; resolve: (call: ConnectorCall) => void }>();
  let nextId = 1_733_300_000_000;

  const server = createServer((request, response) => {
    void readJson(request).then((body) => {
      const path = new URL(request.url ?? '/', 'http://fake').pathname;
      if (path === '/v1/.well-known/keys') return void response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(jwks));
      const call: ConnectorCall = { method: request.method ?? 'GET', path: decodeURIComponent(path), body, token: request.headers.authorization?.replace(/^Bearer /, '') };
      const reply = (status: number, value: unknown) => {
        call.answer = value;
        calls.push(call);
        for (const waiter of waiters) {
          if (!waiter.predicate(call)) continue;
          waiters.delete(waiter);
          waiter.resolve(call);
        }
        response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
      };
      const team = /^\/teams\/v3\/teams\/([^/]+)(\/conversations)?$/.exec(call.path);
      if (team) {
        const known = options.teams?.[team[1]!];
        if (!known) return reply(404, { error: { code: 'NotFound', message: 'no such team' } });
        if (!team[2]) return reply(200, { id: team[1], name: known.name });
        return reply(200, { conversations: Object.entries(known.channels).map(([id, name]) => ({ id, ...(id === team[1] ? {} : { name }) })) });
      }
      if (call.method === 'POST' && call.path === '/teams/v3/conversations') {
        if (options.withoutTheApp?.includes(body.members?.[0]?.id)) return reply(403, { error: { code: 'Forbidden', message: 'The bot is not part of the conversation roster.' } });
        return reply(201, { id: `a:chat-${body.members?.[0]?.id}` });
      }
      if (call.method === 'POST' && /^\/teams\/v3\/conversations\/[^/]+\/activities$/.test(call.path)) return reply(201, { id: String(nextId++) });
      if (call.method === 'PUT') return reply(200, { id: call.path.split('/').at(-1) });
      reply(404, { error: { code: 'NotFound', message: `fake Teams has nothing at ${call.method} ${call.path}` } });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const serviceUrl = `${url}/teams`;
  const now = () => Math.floor(Date.now() / 1000);
  return {
    serviceUrl,
    cloud: withOverrides(PUBLIC, { openIdMetadataUrl: `${url}/v1/.well-known/openidconfiguration`, tokenIssuer: ISSUER }),
    calls,
    waitForCall(predicate, what, timeoutMs = 10_000) {
      const done = calls.find(predicate);
      if (done) return Promise.resolve(done);
      return new Promise((resolve, reject) => {
        const waiter = { predicate, resolve };
        waiters.add(waiter);
        setTimeout(() => {
          waiters.delete(waiter);
          reject(new Error(`no Bot Connector call for ${what} within ${timeoutMs} ms; calls: ${JSON.stringify(calls.map((call) => `${call.method} ${call.path}`))}`));
        }, timeoutMs).unref();
      });
    },
    token: (claims = {}, key = privateKey) => signJwt({ iss: ISSUER, aud: BOT.clientId, serviceurl: serviceUrl, nbf: now() - 5, exp: now() + 600, jti: randomUUID(), ...claims }, key),
    outboundToken: async () => signJwt({ aud: 'https://api.botframework.com', exp: now() + 3600 }, privateKey),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

export interface Person {
  entraId: string;
  name: string;
}

let sequence = 0;
/** A Teams message id: digits, like the milliseconds Teams uses. */
const messageId = () => String(1_733_000_000_000 + ++sequence);

/** A message in a channel that @mentions the app. */
export function channelMention(fake: FakeTeams, from: Person, where: { teamId: string; channelId: string }, text: string) {
  return activity(fake, from, { id: where.channelId, conversationType: 'channel' }, {
    type: 'message',
    text: `<at>${BOT.name}</at> ${text}`,
    entities: [{ type: 'mention', text: `<at>${BOT.name}</at>`, mentioned: { id: `28:${BOT.clientId}`, name: BOT.name } }],
    channelData: { tenant: { id: BOT.tenantId }, team: { id: where.teamId }, channel: { id: where.channelId } },
  });
}

/** A message in the person's one-to-one chat with the app. */
export function personalMessage(fake: FakeTeams, from: Person, text: string) {
  return activity(fake, from, { id: `a:chat-${from.entraId}`, conversationType: 'personal' }, { type: 'message', text, channelData: { tenant: { id: BOT.tenantId } } });
}

/** A click on an Action.Execute of a card: `data` is the action's data merged with the card's inputs. */
export function cardAction(fake: FakeTeams, from: Person, conversationId: string, verb: string, data: Record<string, unknown>) {
  return activity(fake, from, { id: conversationId, conversationType: 'personal' }, {
    type: 'invoke',
    name: 'adaptiveCard/action',
    value: { action: { type: 'Action.Execute', verb, data }, trigger: 'manual' },
    channelData: { tenant: { id: BOT.tenantId } },
  });
}

function activity(fake: FakeTeams, from: Person, conversation: { id: string; conversationType: string }, rest: Record<string, unknown>) {
  return {
    id: messageId(),
    channelId: 'msteams',
    serviceUrl: fake.serviceUrl,
    timestamp: new Date().toISOString(),
    from: { id: `29:${from.entraId}`, aadObjectId: from.entraId, name: from.name },
    recipient: { id: `28:${BOT.clientId}`, name: BOT.name },
    conversation: { ...conversation, tenantId: BOT.tenantId },
    ...rest,
  };
}

/** Posts an activity to the gateway as Teams does; `token: null` sends none. */
export async function postActivity(url: string, body: unknown, token: string | null): Promise<{ status: number; body: any }> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...(token === null ? {} : { authorization: `Bearer ${token}` }) }, body: JSON.stringify(body) });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}
