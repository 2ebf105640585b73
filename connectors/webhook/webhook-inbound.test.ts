// Inbound webhooks over real HTTP: a signed POST becomes one trigger event; unsigned, tampered,
// stale, repeated, oversized, malformed and unknown ones are answered and never published.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { webhookFactory, type WebhookConnector } from './webhook.connector.ts';
import { signWebhook } from './webhook-signature.ts';
import { webhookSettings } from './webhook.settings.ts';
import { silentLogger, testConnectorDeps } from '../connector-test-kit.ts';

const SECRET = 'whsec_test_0123456789';
const NOW = Date.parse('2030-01-02T03:04:05Z');
const NOW_SECONDS = NOW / 1000;

interface Emitted {
  event: string;
  data: Record<string, unknown>;
  id: string;
}

let connector: WebhookConnector;
let emitted: Emitted[];
let failEmit: boolean;
let stop: () => Promise<void>;
let closeDeps: () => Promise<void>;

beforeEach(async () => {
  const deps = testConnectorDeps({ secrets: { HOOK_SECRET: SECRET }, now: () => NOW });
  closeDeps = deps.close;
  const settings = webhookSettings.parse({ inbound: { port: 0, secretEnv: 'HOOK_SECRET', events: ['order.paid', 'form_submitted'], maxBytes: 256 } });
  connector = await webhookFactory.create(settings, deps);
  emitted = [];
  failEmit = false;
  stop = await connector.start({
    logger: silentLogger,
    async emit(event, data, id) {
      if (failEmit) throw new Error('the bus is away');
      emitted.push({ event, data, id });
    },
  });
});

afterEach(async () => {
  await stop();
  await closeDeps();
});

interface PostOptions {
  body?: string;
  timestamp?: number;
  secret?: string;
  delivery?: string;
  headers?: Record<string, string>;
}

async function post(event: string, { body = '{"order":{"id":"o-17","status":"paid"}}', timestamp = NOW_SECONDS, secret = SECRET, delivery, headers }: PostOptions = {}) {
  const response = await fetch(`${connector.inboundUrl()}/${event}`, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json',
      'X-Coworkers-Timestamp': String(timestamp),
      'X-Coworkers-Signature': signWebhook(secret, body, timestamp),
      ...(delivery ? { 'X-Coworkers-Delivery': delivery } : {}),
      ...headers,
    },
    body,
  });
  return { status: response.status, text: (await response.text()).trim() };
}

describe('inbound webhooks', () => {
  it('declares one event per configured name', () => {
    expect(connector.events.map((event) => event.name)).toEqual(['webhook.order.paid', 'webhook.form_submitted']);
    expect(connector.events[0]!.description).toContain('where: { payload.status: paid }');
  });

  it('publishes a signed POST as webhook.<event>, the payload marked untrusted, with the delivery id as the event id', async () => {
    await expect(post('order.paid', { delivery: 'dlv-1' })).resolves.toEqual({ status: 202, text: 'accepted' });
    expect(emitted).toEqual([
      {
        event: 'webhook.order.paid',
        data: { payload: { order: { id: 'o-17', status: 'paid' } }, untrusted: true, receivedAt: '2030-01-02T03:04:05.000Z' },
        id: 'dlv-1',
      },
    ]);
  });

  it('refuses a request without a signature, with a wrong one, or with a changed body', async () => {
    const body = '{"order":{"id":"o-17"}}';
    await expect(post('order.paid', { headers: { 'X-Coworkers-Signature': '' } })).resolves.toEqual({ status: 401, text: 'missing X-Coworkers-Signature' });
    await expect(post('order.paid', { secret: 'not-the-secret' })).resolves.toEqual({ status: 401, text: 'the signature does not match the body and timestamp' });
    await expect(
      post('order.paid', { body: '{"order":{"id":"o-18"}}', headers: { 'X-Coworkers-Signature': signWebhook(SECRET, body, NOW_SECONDS) } }),
    ).resolves.toMatchObject({ status: 401 });
    await expect(post('order.paid', { headers: { 'X-Coworkers-Timestamp': 'yesterday' } })).resolves.toEqual({
      status: 401,
      text: 'missing or malformed X-Coworkers-Timestamp (seconds since 1970)',
    });
    expect(emitted).toEqual([]);
  });

  it('refuses a correctly signed request whose timestamp is too old or too far ahead', async () => {
    await expect(post('order.paid', { timestamp: NOW_SECONDS - 301 })).resolves.toEqual({ status: 401, text: 'the timestamp is more than 300 seconds away from now' });
    await expect(post('order.paid', { timestamp: NOW_SECONDS + 301 })).resolves.toMatchObject({ status: 401 });
    await expect(post('order.paid', { timestamp: NOW_SECONDS - 300, delivery: 'dlv-edge' })).resolves.toMatchObject({ status: 202 });
    expect(emitted.map((event) => event.id)).toEqual(['dlv-edge']);
  });

  it('publishes a repeated delivery once, by its delivery id or, without one, by its signature', async () => {
    await expect(post('order.paid', { delivery: 'dlv-2' })).resolves.toMatchObject({ status: 202 });
    await expect(post('order.paid', { delivery: 'dlv-2', timestamp: NOW_SECONDS - 10 })).resolves.toEqual({ status: 200, text: 'already received' });
    await expect(post('form_submitted', { delivery: 'dlv-2' })).resolves.toEqual({ status: 200, text: 'already received' });
    await expect(post('order.paid', { body: '{"n":1}' })).resolves.toMatchObject({ status: 202 });
    await expect(post('order.paid', { body: '{"n":1}' })).resolves.toEqual({ status: 200, text: 'already received' });
    expect(emitted.map((event) => event.id)).toEqual(['dlv-2', signWebhook(SECRET, '{"n":1}', NOW_SECONDS)]);
  });

  it('answers 404 for an event it does not take, and 405 for anything but POST', async () => {
    await expect(post('order.refunded')).resolves.toEqual({ status: 404, text: 'no webhook event is taken at this path' });
    expect((await fetch(`${connector.inboundUrl()}/order.paid`)).status).toBe(405);
    expect(emitted).toEqual([]);
  });

  it('answers 400 for a signed body that is not JSON, and 413 for one over maxBytes', async () => {
    await expect(post('order.paid', { body: 'order=o-17' })).resolves.toEqual({ status: 400, text: 'the body is not JSON' });
    await expect(post('order.paid', { body: JSON.stringify({ note: 'x'.repeat(300) }) })).resolves.toEqual({ status: 413, text: 'the body is larger than 256 bytes' });
    expect(emitted).toEqual([]);
  });

  it('answers 503 when the event cannot be published, and takes the same delivery when it is sent again', async () => {
    failEmit = true;
    await expect(post('order.paid', { delivery: 'dlv-3' })).resolves.toMatchObject({ status: 503 });
    failEmit = false;
    await expect(post('order.paid', { delivery: 'dlv-3' })).resolves.toMatchObject({ status: 202 });
    expect(emitted.map((event) => event.id)).toEqual(['dlv-3']);
  });

  it('stops listening when stopped', async () => {
    const url = connector.inboundUrl()!;
    await stop();
    expect(connector.inboundUrl()).toBeUndefined();
    await expect(fetch(`${url}/order.paid`, { method: 'POST', body: '{}' })).rejects.toThrow();
    stop = async () => {};
  });
});
