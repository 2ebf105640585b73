// Real HTTP requests to a running Slack receiver, made the way Slack makes them: the same content
// types, bodies and v0 signature that Bolt checks. Every response keeps what was sent, for replay().
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { WORKSPACE } from './slack-fake.ts';

export type SlackPayload = Record<string, unknown>;

export interface SentRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
}

export interface SlackResponse {
  status: number;
  body: string;
  headers: Record<string, string>;
  sent: SentRequest;
}

export interface SignOptions {
  /** X-Slack-Request-Timestamp in seconds since the epoch; now unless given. */
  timestamp?: number;
  /** Sent instead of the right X-Slack-Signature. */
  signature?: string;
}

export interface EventOptions extends SignOptions {
  /** The same id on a retry; a fresh one unless given. */
  eventId?: string;
  /** Makes the request a retry: X-Slack-Retry-Num and X-Slack-Retry-Reason: http_timeout. */
  retryNum?: number;
}

/** The fields of a slash command; the rest are filled in like Slack's. */
export type SlashCommandFields = Partial<
  Record<'command' | 'text' | 'user_id' | 'user_name' | 'channel_id' | 'channel_name' | 'trigger_id' | 'response_url' | 'team_id', string>
>;

/** A view's `state.values` by block id and action id; a string stands for a plain_text_input's value. */
export type ViewValues = Record<string, Record<string, string | Record<string, unknown>>>;

// Slack still sends the old verification token in every body; Bolt ignores it.
const VERIFICATION_TOKEN = 'verification-token';

export function signRequest(secret: string, rawBody: string, timestamp = nowSeconds()): Record<string, string> {
  const signature = createHmac('sha256', secret).update(`v0:${timestamp}:${rawBody}`).digest('hex');
  return { 'X-Slack-Request-Timestamp': String(timestamp), 'X-Slack-Signature': `v0=${signature}` };
}

/** An Events API `event_callback` carrying `event`. */
export function sendEvent(url: string, secret: string, event: SlackPayload, options: EventOptions = {}): Promise<SlackResponse> {
  const body = JSON.stringify({
    token: VERIFICATION_TOKEN,
    team_id: WORKSPACE.teamId,
    api_app_id: WORKSPACE.appId,
    event,
    type: 'event_callback',
    event_id: options.eventId ?? `Ev${randomId()}`,
    event_time: nowSeconds(),
    authorizations: [{ enterprise_id: null, team_id: WORKSPACE.teamId, user_id: WORKSPACE.botUserId, is_bot: true, is_enterprise_install: false }],
    is_ext_shared_channel: false,
  });
  const retry: Record<string, string> = options.retryNum === undefined ? {} : { 'X-Slack-Retry-Num': String(options.retryNum), 'X-Slack-Retry-Reason': 'http_timeout' };
  return send(url, secret, body, 'application/json', options, retry);
}

/** A block_actions or view_submission payload, as the form field `payload`. */
export function sendInteraction(url: string, secret: string, payload: SlackPayload, options: SignOptions = {}): Promise<SlackResponse> {
  return send(url, secret, form({ payload: JSON.stringify(payload) }), FORM, options);
}

export function sendCommand(url: string, secret: string, fields: SlashCommandFields, options: SignOptions = {}): Promise<SlackResponse> {
  const body = form({
    token: VERIFICATION_TOKEN,
    team_id: WORKSPACE.teamId,
    team_domain: WORKSPACE.teamDomain,
    channel_id: 'C0GENERAL',
    channel_name: 'general',
    user_id: 'U0USER',
    user_name: 'user',
    command: '/coworker',
    text: '',
    api_app_id: WORKSPACE.appId,
    is_enterprise_install: 'false',
    response_url: `https://hooks.slack.com/commands/${WORKSPACE.teamId}/1/${randomId()}`,
    trigger_id: newTriggerId(),
    ...fields,
  });
  return send(url, secret, body, FORM, options);
}

/** What Slack sends once to check a new Events API request URL: the answer must echo `challenge`. */
export function sendUrlVerification(url: string, secret: string, challenge: string, options: SignOptions = {}): Promise<SlackResponse> {
  return send(url, secret, JSON.stringify({ token: VERIFICATION_TOKEN, challenge, type: 'url_verification' }), 'application/json', options);
}

/** What Slack sends to check a slash command URL's certificate; receivers answer it without checking the signature. */
export function sendSslCheck(url: string, secret: string, options: SignOptions = {}): Promise<SlackResponse> {
  return send(url, secret, form({ ssl_check: '1', token: VERIFICATION_TOKEN }), FORM, options);
}

/** Sends `sent` (again) byte for byte, signature and timestamp included, as an attacker replaying it could. */
export async function replay(sent: SentRequest): Promise<SlackResponse> {
  const response = await fetch(sent.url, { method: 'POST', headers: sent.headers, body: sent.body });
  return { status: response.status, body: await response.text(), headers: Object.fromEntries(response.headers), sent };
}

export function appMention({ user, channel, text, ts = newTs() }: { user: string; channel: string; text: string; ts?: string }): SlackPayload {
  // `text` is as Slack sends it, mention included: `<@U0BOT> ava pull last week's numbers`.
  return { type: 'app_mention', client_msg_id: randomUUID(), user, text, ts, team: WORKSPACE.teamId, channel, event_ts: ts };
}

export function directMessage({ user, text, ts = newTs(), channel = `D${user}` }: { user: string; text: string; ts?: string; channel?: string }): SlackPayload {
  return { type: 'message', client_msg_id: randomUUID(), user, text, ts, team: WORKSPACE.teamId, channel, event_ts: ts, channel_type: 'im' };
}

export function blockAction(options: { user: string; actionId: string; value: string; channel: string; messageTs: string; triggerId?: string; blockId?: string }): SlackPayload {
  const { user, actionId, value, channel, messageTs, triggerId = newTriggerId(), blockId = 'actions' } = options;
  return {
    type: 'block_actions',
    user: slackUser(user),
    api_app_id: WORKSPACE.appId,
    token: VERIFICATION_TOKEN,
    container: { type: 'message', message_ts: messageTs, channel_id: channel, is_ephemeral: false },
    trigger_id: triggerId,
    team: { id: WORKSPACE.teamId, domain: WORKSPACE.teamDomain },
    enterprise: null,
    is_enterprise_install: false,
    channel: { id: channel },
    message: { type: 'message', user: WORKSPACE.botUserId, bot_id: WORKSPACE.botId, text: '', ts: messageTs },
    state: { values: {} },
    response_url: `https://hooks.slack.com/actions/${WORKSPACE.teamId}/1/${randomId()}`,
    actions: [{ type: 'button', action_id: actionId, block_id: blockId, value, text: { type: 'plain_text', text: value }, action_ts: newTs() }],
  };
}

export function viewSubmission(options: { user: string; callbackId: string; privateMetadata?: string; values?: ViewValues; triggerId?: string }): SlackPayload {
  const { user, callbackId, privateMetadata = '', values = {}, triggerId = newTriggerId() } = options;
  const id = `V${randomId()}`;
  return {
    type: 'view_submission',
    team: { id: WORKSPACE.teamId, domain: WORKSPACE.teamDomain },
    user: slackUser(user),
    api_app_id: WORKSPACE.appId,
    token: VERIFICATION_TOKEN,
    trigger_id: triggerId,
    view: {
      id,
      team_id: WORKSPACE.teamId,
      type: 'modal',
      callback_id: callbackId,
      private_metadata: privateMetadata,
      state: { values: expandValues(values) },
      hash: `${nowSeconds()}.${randomId()}`,
      title: { type: 'plain_text', text: 'Coworkers' },
      blocks: [],
      app_id: WORKSPACE.appId,
      bot_id: WORKSPACE.botId,
      root_view_id: id,
      previous_view_id: null,
      external_id: '',
    },
    response_urls: [],
    enterprise: null,
    is_enterprise_install: false,
  };
}

const FORM = 'application/x-www-form-urlencoded'; // exactly: Bolt compares the whole header

function send(url: string, secret: string, body: string, contentType: string, options: SignOptions, extra: Record<string, string> = {}): Promise<SlackResponse> {
  const signed = signRequest(secret, body, options.timestamp);
  if (options.signature !== undefined) signed['X-Slack-Signature'] = options.signature;
  const headers = { 'Content-Type': contentType, 'User-Agent': 'Slackbot 1.0 (+https://api.slack.com/robots)', ...signed, ...extra };
  return replay({ url, headers, body });
}

function form(fields: Record<string, string>): string {
  return new URLSearchParams(fields).toString();
}

function slackUser(id: string): SlackPayload {
  const name = id.toLowerCase();
  return { id, username: name, name, team_id: WORKSPACE.teamId };
}

function expandValues(values: ViewValues): Record<string, Record<string, Record<string, unknown>>> {
  const blocks = Object.entries(values).map(([blockId, actions]) => [
    blockId,
    Object.fromEntries(Object.entries(actions).map(([actionId, state]) => [actionId, typeof state === 'string' ? { type: 'plain_text_input', value: state } : state])),
  ]);
  return Object.fromEntries(blocks);
}

let sequence = 0;

/** A unique message timestamp near now, in Slack's "seconds.micros" form. */
function newTs(): string {
  sequence += 1;
  return `${nowSeconds()}.${String(sequence % 1_000_000).padStart(6, '0')}`;
}

function newTriggerId(): string {
  sequence += 1;
  return `${nowSeconds()}.${sequence}.${randomBytes(10).toString('hex')}`;
}

function randomId(): string {
  return randomBytes(5).toString('hex').toUpperCase();
}

function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}
