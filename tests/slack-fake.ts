// A stand-in for Slack's Web API on a loopback port, for tests that run a real Bolt app: it answers
// the methods the gateway calls the way Slack does and records every call it gets.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** The workspace the fake answers for; the requests in slack-requests.ts come from it too. */
export const WORKSPACE = {
  teamId: 'T0TEAM',
  teamDomain: 'coworkers-test',
  appId: 'A0APP',
  botUserId: 'U0BOT',
  botId: 'B0BOT',
  botName: 'coworkers',
} as const;

export type SlackArgs = Record<string, unknown>;

export interface SlackCall {
  method: string;
  args: SlackArgs;
  /** The token the call was made with (Authorization: Bearer, else a `token` argument). */
  token: string | undefined;
  at: number;
}

export interface FakeSlackOptions {
  /** Real names by user id, for users.info: `{ U123: 'Maria Lopez' }`. */
  users?: Record<string, string>;
  /** Channel names by id, for conversations.info: `{ C0MARKETING: 'marketing' }`. */
  channels?: Record<string, string>;
}

export interface FakeSlack {
  /** Pass as Bolt's `clientOptions.slackApiUrl`. */
  url: string;
  calls: SlackCall[];
  callsTo(method: string): SlackArgs[];
  /** The first call to `method` that matches, made already or still to come. */
  waitForCall(method: string, predicate?: (args: SlackArgs) => boolean, timeoutMs?: number): Promise<SlackArgs>;
  /** Answer `method` only after `ms`, like a slow Slack (the call is recorded on arrival). */
  setDelay(method: string, ms: number): void;
  close(): Promise<void>;
}

// Form-encoded arguments that hold JSON: the client stringifies them and Slack parses them back.
const JSON_FIELDS = new Set(['blocks', 'attachments', 'view', 'metadata', 'unfurls', 'user_auth_blocks']);

interface Waiter {
  matches(call: SlackCall): boolean;
  resolve(args: SlackArgs): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

export async function startFakeSlack(options: FakeSlackOptions = {}): Promise<FakeSlack> {
  const calls: SlackCall[] = [];
  const waiters = new Set<Waiter>();
  const delays = new Map<string, number>();
  const methods = slackMethods(options);

  async function answer(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = /^\/api\/([\w.]+)$/.exec(new URL(req.url ?? '/', 'http://fake').pathname)?.[1];
    if (req.method !== 'POST' || !method) {
      res.writeHead(404).end();
      return;
    }
    const args = parseArgs(req.headers['content-type'] ?? '', await readBody(req));
    const call = { method, args: args ?? {}, token: bearer(req.headers.authorization) ?? stringOrUndefined(args?.token), at: Date.now() };
    calls.push(call);
    for (const waiter of waiters) {
      if (!waiter.matches(call)) continue;
      waiters.delete(waiter);
      clearTimeout(waiter.timer);
      waiter.resolve(call.args);
    }
    const reply = args ? (methods[method]?.(args) ?? { ok: false, error: 'unknown_method' }) : { ok: false, error: 'invalid_json' };
    const delay = delays.get(method);
    if (delay) await new Promise((resolve) => setTimeout(resolve, delay));
    // Slack answers 200 with `ok: false` for errors; only rate limits use another status.
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify({ ok: true, ...reply }));
  }

  // A client that goes away mid-request must not take the test process down with it.
  const server = createServer((req, res) => void answer(req, res).catch(() => res.destroy()));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/api/`,
    calls,
    callsTo: (method) => calls.filter((call) => call.method === method).map((call) => call.args),
    waitForCall(method, predicate = () => true, timeoutMs = 5_000) {
      const matches = (call: SlackCall) => call.method === method && predicate(call.args);
      const done = calls.find(matches);
      if (done) return Promise.resolve(done.args);
      return new Promise((resolve, reject) => {
        const waiter: Waiter = {
          matches,
          resolve,
          reject,
          timer: setTimeout(() => {
            waiters.delete(waiter);
            const seen = calls.map((call) => call.method).join(', ') || 'none';
            reject(new Error(`no matching ${method} call within ${timeoutMs} ms (calls so far: ${seen})`));
          }, timeoutMs),
        };
        waiters.add(waiter);
      });
    },
    setDelay: (method, ms) => void delays.set(method, ms),
    async close() {
      for (const waiter of waiters) {
        clearTimeout(waiter.timer);
        waiter.reject(new Error('fake Slack closed'));
      }
      waiters.clear();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

type Method = (args: SlackArgs) => SlackArgs;

function slackMethods({ users = {}, channels = {} }: FakeSlackOptions): Record<string, Method> {
  let messages = 0;
  let views = 0;
  // Unique and increasing, in Slack's "seconds.micros" form: 1700000000.000100, .000200, ...
  const nextTs = () => {
    messages += 1;
    return `${1_700_000_000 + Math.floor(messages / 10_000)}.${String((messages % 10_000) * 100).padStart(6, '0')}`;
  };
  // Posting to a user id posts into the app's DM with that user, as conversations.open would name it.
  const dmChannel = (user: string) => `D${user}`;
  const toChannel = (channel: unknown) => (/^[UW]/.test(String(channel)) ? dmChannel(String(channel)) : channel);

  return {
    'auth.test': () => ({
      url: `https://${WORKSPACE.teamDomain}.slack.com/`,
      team: 'Coworkers Test',
      user: WORKSPACE.botName,
      team_id: WORKSPACE.teamId,
      user_id: WORKSPACE.botUserId,
      bot_id: WORKSPACE.botId,
      is_enterprise_install: false,
    }),
    'chat.postMessage': (args) => {
      const ts = nextTs();
      const message = { type: 'message', user: WORKSPACE.botUserId, bot_id: WORKSPACE.botId, text: args.text ?? '', blocks: args.blocks, thread_ts: args.thread_ts, ts };
      return { channel: toChannel(args.channel), ts, message };
    },
    'chat.update': (args) => ({ channel: args.channel, ts: args.ts, text: args.text ?? '', message: { text: args.text ?? '', blocks: args.blocks } }),
    'chat.postEphemeral': () => ({ message_ts: nextTs() }),
    'views.open': (args) => {
      views += 1;
      const id = `V0VIEW${views}`;
      return { view: { ...(args.view as object), id, team_id: WORKSPACE.teamId, app_id: WORKSPACE.appId, hash: `${nextTs()}.hash`, root_view_id: id } };
    },
    'users.info': (args) => {
      const realName = users[String(args.user)];
      if (realName === undefined) return { ok: false, error: 'user_not_found' };
      return { user: { id: args.user, team_id: WORKSPACE.teamId, name: realName.toLowerCase().replace(/\s+/g, '.'), real_name: realName, profile: { real_name: realName, display_name: realName } } };
    },
    'conversations.info': (args) => {
      const name = channels[String(args.channel)];
      return name === undefined ? { ok: false, error: 'channel_not_found' } : { channel: { id: args.channel, name, is_channel: true } };
    },
    'conversations.open': (args) => {
      const user = String(args.users ?? '').split(',')[0];
      return user ? { channel: { id: dmChannel(user) } } : { ok: false, error: 'users_list_not_supplied' };
    },
  };
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** The call's arguments from a JSON or form-encoded body; undefined for JSON that does not parse. */
function parseArgs(contentType: string, body: string): SlackArgs | undefined {
  if (contentType.startsWith('application/json')) {
    try {
      return JSON.parse(body || '{}') as SlackArgs;
    } catch {
      return undefined;
    }
  }
  const args: SlackArgs = Object.fromEntries(new URLSearchParams(body));
  for (const field of JSON_FIELDS) {
    const value = args[field];
    if (typeof value !== 'string') continue;
    try {
      args[field] = JSON.parse(value);
    } catch {
      // Not JSON: keep the string as it came, for the test to see.
    }
  }
  return args;
}

function bearer(header: string | undefined): string | undefined {
  return header?.match(/^Bearer\s+(.+)$/i)?.[1];
}

function stringOrUndefined(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
