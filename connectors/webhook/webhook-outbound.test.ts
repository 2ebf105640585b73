// Outbound webhooks against a local node:http server that records each request: one tool per
// target with its risk, a signed body the receiver can verify, the idempotency key, and what
// each kind of answer becomes.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { webhookFactory, type WebhookConnector } from './webhook.connector.ts';
import { refuseSignature } from './webhook-signature.ts';
import { webhookSettings } from './webhook.settings.ts';
import { testConnectorDeps, toolCall } from '../connector-test-kit.ts';
import { startRecordingServer, type RecordingServer } from './webhook-test-kit.ts';

const NOW = Date.parse('2030-01-02T03:04:05Z');
let target: RecordingServer;
let connector: WebhookConnector;
const cleanups: Array<() => Promise<void>> = [];

async function create(settings: unknown, secrets: Record<string, string>): Promise<WebhookConnector> {
  const deps = testConnectorDeps({ secrets, now: () => NOW });
  cleanups.push(deps.close);
  return webhookFactory.create(webhookSettings.parse(settings), deps);
}

beforeEach(async () => {
  target = await startRecordingServer();
  cleanups.push(target.close);
  connector = await create(
    {
      targets: {
        notifyBilling: {
          url: target.url,
          description: 'Asks billing to issue a refund.',
          headers: { 'X-Team': 'sales' },
          headersEnv: { Authorization: 'BILLING_AUTH' },
          secretEnv: 'BILLING_SECRET',
        },
        audit: { urlEnv: 'AUDIT_URL', method: 'PUT', risk: 'write' },
      },
    },
    { BILLING_SECRET: 'whsec_billing', BILLING_AUTH: 'Bearer billing-token', AUDIT_URL: `${target.url}?token=url-secret` },
  );
});

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('outbound webhooks', () => {
  it('offers one tool per target, with its risk (customer-facing unless configured) and no URL in sight', () => {
    expect(connector.specs.map(({ name, risk, description }) => ({ name, risk, description }))).toEqual([
      { name: 'webhook.notifyBilling', risk: 'customer-facing', description: "Asks billing to issue a refund. Answers with the HTTP status and the target's reply." },
      { name: 'webhook.audit', risk: 'write', description: 'Sends a JSON payload to the "audit" webhook. Answers with the HTTP status and the target\'s reply.' },
    ]);
    expect(JSON.stringify(connector.specs)).not.toContain('url-secret');
    expect(connector.events).toEqual([]);
  });

  it('sends the payload with the idempotency key, the headers, and a signature the receiver can verify', async () => {
    const result = await connector.call(toolCall('webhook.notifyBilling', { payload: { orderId: 'o-17', amount: 120 } }, { idempotencyKey: 'approval:ap-1' }));
    expect(result).toEqual({ result: { status: 200, untrusted: true, responseBody: '{"ok":true}' }, replayed: false });
    const [request] = target.received;
    expect(request).toMatchObject({
      method: 'POST',
      url: '/receive',
      body: '{"orderId":"o-17","amount":120}',
      headers: {
        'content-type': 'application/json',
        'idempotency-key': 'approval:ap-1',
        'x-coworkers-delivery': 'approval:ap-1',
        'x-coworkers-timestamp': String(NOW / 1000),
        authorization: 'Bearer billing-token',
        'x-team': 'sales',
      },
    });
    const verify = (secret: string) =>
      refuseSignature({
        secret,
        body: Buffer.from(request!.body),
        signature: request!.headers['x-coworkers-signature'] as string,
        timestamp: request!.headers['x-coworkers-timestamp'] as string,
        nowSeconds: NOW / 1000,
        toleranceSeconds: 300,
      });
    expect(verify('whsec_billing')).toBeUndefined();
    expect(verify('whsec_other')).toBe('the signature does not match the body and timestamp');
  });

  it('sends unsigned with the configured method to a URL read from a secret', async () => {
    await connector.call(toolCall('webhook.audit', { payload: { event: 'refund' } }));
    expect(target.received[0]).toMatchObject({ method: 'PUT', url: '/receive?token=url-secret' });
    expect(target.received[0]!.headers).not.toHaveProperty('x-coworkers-signature');
  });

  it('shortens a long answer and says so', async () => {
    target.answer = { status: 201, body: 'y'.repeat(5_000) };
    const { result } = await connector.call(toolCall('webhook.audit', { payload: {} }));
    expect(result).toEqual({ status: 201, untrusted: true, responseBody: 'y'.repeat(4_000), truncated: true });
  });

  it('fails for good on a 4xx answer, quoting it', async () => {
    target.answer = { status: 422, body: '{"error":"amount must be positive"}' };
    await expect(connector.call(toolCall('webhook.notifyBilling', { payload: { amount: -1 } }))).rejects.toMatchObject({
      code: 'TOOL_FAILED',
      retryable: false,
      message: 'The "notifyBilling" webhook target refused the payload with 422. Its answer (untrusted): {"error":"amount must be positive"}',
    });
  });

  it.each([500, 503, 429])('fails as retryable on %i', async (status) => {
    target.answer = { status, body: 'busy' };
    await expect(connector.call(toolCall('webhook.notifyBilling', { payload: {} }))).rejects.toMatchObject({ code: 'TOOL_FAILED', retryable: true });
  });

  it('fails as retryable when the target cannot be reached, without naming its URL', async () => {
    await target.close();
    const failure = await connector.call(toolCall('webhook.audit', { payload: {} })).catch((error: Error) => error);
    expect(failure).toMatchObject({ code: 'TOOL_FAILED', retryable: true, message: 'webhook.audit failed: The "audit" webhook target could not be reached: ECONNREFUSED' });
    expect((failure as Error).message).not.toContain('url-secret');
  });

  it('refuses a payload that is not a JSON object before sending anything', async () => {
    await expect(connector.call(toolCall('webhook.notifyBilling', { payload: 'refund it' }))).rejects.toMatchObject({ code: 'TOOL_FAILED', retryable: false });
    expect(target.received).toEqual([]);
  });
});

describe('webhook settings', () => {
  const problems = (settings: unknown) => webhookSettings.safeParse(settings).error?.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);

  it('explain what is wrong', () => {
    expect(problems({})).toEqual([': configure `inbound` (webhooks to receive), `targets` (URLs to call), or both']);
    expect(problems({ targets: { 'notify-billing': { url: 'https://example.com/h' } } })).toEqual([
      'targets.notify-billing: a target is named like an operation: a lower-case letter, then letters, digits and underscores (e.g. "notifyBilling")',
    ]);
    expect(problems({ targets: { billing: { url: 'https://example.com/h', urlEnv: 'BILLING_URL' } } })).toEqual([
      'targets.billing: give either `url` or `urlEnv` (a variable holding the URL), not both or neither',
    ]);
    expect(problems({ inbound: { port: 8787, secretEnv: 'S', events: ['Order-Paid'] } })).toEqual([
      'inbound.events.0: an event name is lower-case letters, digits and underscores, parts joined by dots, e.g. "order.paid"',
    ]);
  });

  it('refuses a URL secret that holds no URL', async () => {
    await expect(create({ targets: { audit: { urlEnv: 'AUDIT_URL' } } }, { AUDIT_URL: 'not a url' })).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
      message: 'The variable AUDIT_URL (the URL of the webhook target "audit") does not hold an http(s) URL.',
    });
  });
});
