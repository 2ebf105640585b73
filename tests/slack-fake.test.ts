// The Slack test helpers against a real Bolt app: signed requests in through its HTTPReceiver,
// Web API calls out to the fake.
import { App, LogLevel } from '@slack/bolt';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { freePort } from '../scripts/test-servers.ts';
import { waitFor } from './helpers.ts';
import { startFakeSlack, WORKSPACE, type FakeSlack } from './slack-fake.ts';
import {
  appMention,
  blockAction,
  directMessage,
  replay,
  sendCommand,
  sendEvent,
  sendInteraction,
  sendSslCheck,
  sendUrlVerification,
  viewSubmission,
} from './slack-requests.ts';

const SECRET = 'test-signing-secret';
const MENTION = `<@${WORKSPACE.botUserId}> ava pull last week's ad numbers`;

let fake: FakeSlack;
let app: App;
let url: string;

beforeEach(async () => {
  fake = await startFakeSlack({ users: { U0MARIA: 'Maria Lopez' }, channels: { C0MARKETING: 'marketing' } });
  const port = await freePort();
  app = new App({
    token: 'xoxb-test',
    signingSecret: SECRET,
    endpoints: '/slack/events',
    clientOptions: { slackApiUrl: fake.url },
    logLevel: LogLevel.ERROR,
  });
  await app.start(port);
  url = `http://127.0.0.1:${port}/slack/events`;
});

afterEach(async () => {
  await app.stop();
  await fake.close();
});

describe('signed requests into Bolt', () => {
  it('delivers an app_mention whose reply reaches the fake with its blocks parsed', async () => {
    app.event('app_mention', async ({ event, say }) => {
      await say({ text: 'On it', thread_ts: event.ts, blocks: [{ type: 'section', text: { type: 'mrkdwn', text: '*On it*' } }] });
    });
    const event = appMention({ user: 'U0MARIA', channel: 'C0MARKETING', text: MENTION });

    const response = await sendEvent(url, SECRET, event);

    expect(response.status).toBe(200);
    const reply = await fake.waitForCall('chat.postMessage');
    expect(reply).toMatchObject({ channel: 'C0MARKETING', text: 'On it', thread_ts: event.ts, blocks: [{ type: 'section', text: { text: '*On it*' } }] });
    expect(fake.calls[0]).toMatchObject({ method: 'auth.test', token: 'xoxb-test' });
    expect(fake.calls.find((call) => call.method === 'chat.postMessage')?.token).toBe('xoxb-test');
  });

  it('delivers a direct message', async () => {
    const received: string[] = [];
    app.message(async ({ message }) => void received.push('text' in message ? String(message.text) : ''));
    await sendEvent(url, SECRET, directMessage({ user: 'U0MARIA', text: 'status?' }));
    await waitFor(async () => received.length === 1, 'the direct message');
    expect(received).toEqual(['status?']);
  });

  it('answers 401 to a bad signature and to a timestamp six minutes old', async () => {
    const event = appMention({ user: 'U0MARIA', channel: 'C0MARKETING', text: MENTION });
    const minutesAgo = (minutes: number) => Math.floor(Date.now() / 1000) - minutes * 60;
    expect((await sendEvent(url, SECRET, event, { signature: 'v0=deadbeef' })).status).toBe(401);
    expect((await sendEvent(url, 'another-secret', event)).status).toBe(401);
    expect((await sendEvent(url, SECRET, event, { timestamp: minutesAgo(6) })).status).toBe(401);
    expect((await sendEvent(url, SECRET, event, { timestamp: minutesAgo(4) })).status).toBe(200);
  });

  it('routes a block_actions interaction to app.action', async () => {
    const clicked = new Promise<unknown>((resolve) => {
      app.action('approve', async ({ ack, action, body }) => {
        await ack();
        resolve({ action, body });
      });
    });
    const payload = blockAction({ user: 'U0MARIA', actionId: 'approve', value: 'approval-1', channel: 'C0MARKETING', messageTs: '1700000000.000100' });

    const response = await sendInteraction(url, SECRET, payload);

    expect(response.status).toBe(200);
    expect(await clicked).toMatchObject({ action: { action_id: 'approve', value: 'approval-1' }, body: { user: { id: 'U0MARIA' }, container: { message_ts: '1700000000.000100' } } });
  });

  it('routes a view_submission to app.view with its state values', async () => {
    const submitted = new Promise<unknown>((resolve) => {
      app.view('reject_reason', async ({ ack, view }) => {
        await ack();
        resolve(view);
      });
    });
    const payload = viewSubmission({ user: 'U0MARIA', callbackId: 'reject_reason', privateMetadata: 'approval-1', values: { reason: { reason_input: 'too expensive' } } });

    expect((await sendInteraction(url, SECRET, payload)).status).toBe(200);
    expect(await submitted).toMatchObject({ private_metadata: 'approval-1', state: { values: { reason: { reason_input: { type: 'plain_text_input', value: 'too expensive' } } } } });
  });

  it('routes a slash command and returns what ack() answered', async () => {
    app.command('/coworker', async ({ ack, command }) => {
      await ack(`${command.user_id} asked: ${command.text}`);
    });
    const response = await sendCommand(url, SECRET, { user_id: 'U0MARIA', channel_id: 'C0MARKETING', text: 'ava pull the numbers' });
    expect(response).toMatchObject({ status: 200, body: 'U0MARIA asked: ava pull the numbers' });
  });

  it('answers the url_verification challenge and the ssl_check', async () => {
    const verification = await sendUrlVerification(url, SECRET, 'challenge-123');
    expect(verification.status).toBe(200);
    expect(JSON.parse(verification.body)).toEqual({ challenge: 'challenge-123' });
    expect((await sendSslCheck(url, SECRET)).status).toBe(200);
  });

  it('passes a retry number to the listener context', async () => {
    const retries: Array<number | undefined> = [];
    app.event('app_mention', async ({ context }) => void retries.push(context.retryNum));
    const event = appMention({ user: 'U0MARIA', channel: 'C0MARKETING', text: MENTION });
    await sendEvent(url, SECRET, event, { eventId: 'Ev0SAME' });
    await sendEvent(url, SECRET, event, { eventId: 'Ev0SAME', retryNum: 1 });
    await waitFor(async () => retries.length === 2, 'both deliveries');
    expect(retries).toEqual([undefined, 1]);
  });

  it('replays a request byte for byte, and Bolt accepts it again: replays are ours to stop', async () => {
    let mentions = 0;
    app.event('app_mention', async () => void (mentions += 1));
    const first = await sendEvent(url, SECRET, appMention({ user: 'U0MARIA', channel: 'C0MARKETING', text: MENTION }));

    const again = await replay(first.sent);

    expect(again.sent).toEqual(first.sent);
    expect([first.status, again.status]).toEqual([200, 200]);
    await waitFor(async () => mentions === 2, 'the replayed event to be handled');
  });
});

describe('the fake Web API', () => {
  it('answers users.info and conversations.info from its maps, and not_found otherwise', async () => {
    await expect(app.client.users.info({ user: 'U0MARIA' })).resolves.toMatchObject({ user: { id: 'U0MARIA', real_name: 'Maria Lopez' } });
    await expect(app.client.users.info({ user: 'U0NOBODY' })).rejects.toMatchObject({ data: { ok: false, error: 'user_not_found' } });
    await expect(app.client.conversations.info({ channel: 'C0MARKETING' })).resolves.toMatchObject({ channel: { id: 'C0MARKETING', name: 'marketing' } });
    await expect(app.client.conversations.info({ channel: 'C0NONE' })).rejects.toMatchObject({ data: { error: 'channel_not_found' } });
  });

  it('opens DMs, posts with increasing ts, updates, posts ephemerals and opens views', async () => {
    const dm = await app.client.conversations.open({ users: 'U0MARIA' });
    expect(dm.channel?.id).toBe('DU0MARIA');
    const first = await app.client.chat.postMessage({ channel: 'C0MARKETING', text: 'one', username: 'Ava', icon_emoji: ':robot_face:' });
    const second = await app.client.chat.postMessage({ channel: 'U0MARIA', text: 'two' });
    expect(first).toMatchObject({ channel: 'C0MARKETING', ts: '1700000000.000100', message: { text: 'one', bot_id: WORKSPACE.botId } });
    expect(second).toMatchObject({ channel: 'DU0MARIA', ts: '1700000000.000200' });
    expect(fake.callsTo('chat.postMessage')[0]).toMatchObject({ username: 'Ava', icon_emoji: ':robot_face:' });
    await expect(app.client.chat.update({ channel: 'C0MARKETING', ts: first.ts!, text: 'edited' })).resolves.toMatchObject({ channel: 'C0MARKETING', ts: first.ts });
    await expect(app.client.chat.postEphemeral({ channel: 'C0MARKETING', user: 'U0MARIA', text: 'psst' })).resolves.toMatchObject({ message_ts: expect.any(String) });
    const view = { type: 'modal' as const, callback_id: 'reject_reason', title: { type: 'plain_text' as const, text: 'Reject' }, blocks: [] };
    const opened = await app.client.views.open({ trigger_id: 'trigger-1', view });
    expect(opened.view).toMatchObject({ id: expect.stringMatching(/^V/), callback_id: 'reject_reason' });
    expect(fake.callsTo('views.open')[0]).toMatchObject({ trigger_id: 'trigger-1', view });
  });

  it('refuses an unknown method but records it', async () => {
    await expect(app.client.apiCall('reactions.add', { channel: 'C0MARKETING', name: 'eyes' })).rejects.toMatchObject({ data: { error: 'unknown_method' } });
    expect(fake.callsTo('reactions.add')).toEqual([{ channel: 'C0MARKETING', name: 'eyes' }]);
  });

  it('takes JSON bodies too', async () => {
    const response = await fetch(`${fake.url}chat.postMessage`, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8', authorization: 'Bearer xoxb-json' },
      body: JSON.stringify({ channel: 'C0MARKETING', blocks: [{ type: 'divider' }] }),
    });
    expect(await response.json()).toMatchObject({ ok: true, channel: 'C0MARKETING' });
    expect(fake.calls.at(-1)).toMatchObject({ method: 'chat.postMessage', token: 'xoxb-json', args: { blocks: [{ type: 'divider' }] } });
  });

  it('answers late after setDelay, with the call recorded on arrival', async () => {
    fake.setDelay('chat.postMessage', 300);
    const started = Date.now();
    const posting = app.client.chat.postMessage({ channel: 'C0MARKETING', text: 'slow' });
    await fake.waitForCall('chat.postMessage', (args) => args.text === 'slow');
    const arrived = Date.now();
    await posting;
    expect(Date.now() - arrived).toBeGreaterThan(100);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
  });

  it('rejects waitForCall when no call matches in time', async () => {
    await expect(fake.waitForCall('chat.postMessage', undefined, 50)).rejects.toThrow(/no matching chat.postMessage call within 50 ms/);
  });
});
