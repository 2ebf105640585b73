// The `webhook` section of `connectors.yaml`: which signed events it receives and where, and the
// URLs it may call, each as a tool of its own with its own risk.
import { z } from 'zod';
import { toolRiskSchema } from '../../protocol/index.ts';

const envName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { message: 'an environment variable name is letters, digits and underscores, e.g. "WEBHOOK_SECRET"' });
const headerName = z.string().regex(/^[A-Za-z0-9-]+$/, { message: 'a header name is letters, digits and dashes, e.g. "X-Api-Key"' });

const EVENT_NAME = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$/;
const TARGET_NAME = /^[a-z][a-zA-Z0-9_]*$/;

const inboundSettings = z
  .strictObject({
    port: z.number().int().min(0).max(65_535).describe('The port to receive webhooks on; 0 picks a free one (for tests).'),
    host: z.string().min(1).default('127.0.0.1').describe('The address to listen on; "0.0.0.0" to take requests from other machines.'),
    pathPrefix: z
      .string()
      .regex(/^(\/[A-Za-z0-9_-]+)+$/, { message: 'a path prefix looks like "/hooks"' })
      .default('/hooks')
      .describe('Events arrive as POST <pathPrefix>/<event>, e.g. POST /hooks/order.paid.'),
    secretEnv: envName.describe('The variable holding the secret that senders sign with (HMAC-SHA256).'),
    events: z
      .array(z.string().regex(EVENT_NAME, { message: 'an event name is lower-case letters, digits and underscores, parts joined by dots, e.g. "order.paid"' }))
      .min(1)
      .describe('The events senders may post; "order.paid" arrives as the trigger event "webhook.order.paid". Others are answered 404.'),
    maxBytes: z.number().int().positive().default(1_048_576).describe('The largest body taken, in bytes; larger ones are answered 413.'),
    toleranceSeconds: z
      .number()
      .int()
      .positive()
      .default(300)
      .describe("How far a request's timestamp may be from now; older ones are refused as replays."),
  })
  .describe('Receive signed HTTP POSTs as trigger events.');

const targetSettings = z
  .strictObject({
    url: z.url({ protocol: /^https?$/ }).optional().describe('Where to send, e.g. "https://billing.example.com/hooks/coworkers".'),
    urlEnv: envName.optional().describe('The variable holding the URL instead, for URLs that carry a secret (Slack, Zapier, Discord webhooks).'),
    method: z.enum(['POST', 'PUT', 'PATCH']).default('POST').describe('The HTTP method; the payload is its JSON body.'),
    description: z.string().min(1).optional().describe('What calling this target does, for the coworker choosing a tool, e.g. "Asks billing to issue a refund."'),
    headers: z.record(headerName, z.string()).default({}).describe('Extra headers that are not secret.'),
    headersEnv: z.record(headerName, envName).default({}).describe('Headers read from secrets, e.g. { Authorization: BILLING_AUTHORIZATION }.'),
    secretEnv: envName.optional().describe('Sign each request the way inbound webhooks are signed, with the secret in this variable.'),
    risk: toolRiskSchema.default('customer-facing').describe('The risk class of the tool; customer-facing (the default) asks a person first.'),
    timeoutSeconds: z.number().positive().default(10).describe('How long to wait for an answer before the call counts as failed (and is retried).'),
  })
  .superRefine((target, ctx) => {
    if (!target.url === !target.urlEnv) ctx.addIssue({ code: 'custom', message: 'give either `url` or `urlEnv` (a variable holding the URL), not both or neither' });
  });

export const webhookSettings = z
  .strictObject({
    inbound: inboundSettings.optional(),
    targets: z
      .record(z.string(), targetSettings)
      .superRefine((targets, ctx) => {
        for (const name of Object.keys(targets).filter((name) => !TARGET_NAME.test(name))) {
          ctx.addIssue({
            code: 'custom',
            path: [name],
            message: 'a target is named like an operation: a lower-case letter, then letters, digits and underscores (e.g. "notifyBilling")',
          });
        }
      })
      .default({})
      .describe('URLs a coworker may call, by name; the target "notifyBilling" is the tool "webhook.notifyBilling".'),
  })
  .refine((settings) => settings.inbound || Object.keys(settings.targets).length > 0, {
    message: 'configure `inbound` (webhooks to receive), `targets` (URLs to call), or both',
  });

export type WebhookSettings = z.output<typeof webhookSettings>;
export type InboundSettings = NonNullable<WebhookSettings['inbound']>;
export type TargetSettings = WebhookSettings['targets'][string];
