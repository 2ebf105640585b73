// Webhooks: signed HTTP events in as triggers, configured URLs out as gated tools.
export { webhookFactory, type WebhookConnector } from './webhook.connector.ts';
export { webhookSettings, type WebhookSettings } from './webhook.settings.ts';
export { signWebhook } from './webhook-signature.ts';
