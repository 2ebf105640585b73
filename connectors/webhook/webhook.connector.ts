// The `webhook` connector: signed HTTP POSTs in become trigger events (`webhook.<event>`), and
// each configured target is a tool (`webhook.<target>`) that sends a JSON payload out.
import { CoworkersError } from '../../protocol/index.ts';
import { defineConnector, type Connector, type ToolDefinition } from '../connector-kit.ts';
import type { ConnectorDeps, ConnectorFactory } from '../connector-deps.ts';
import { startInbound } from './webhook-inbound.ts';
import { targetTool } from './webhook-outbound.ts';
import { webhookSettings, type WebhookSettings } from './webhook.settings.ts';

export interface WebhookConnector extends Connector<'webhook'> {
  /** Where webhooks are received while started (with the port picked when the settings say 0). */
  inboundUrl(): string | undefined;
}

export const webhookFactory = {
  name: 'webhook',
  settings: webhookSettings,
  async create(settings: WebhookSettings, deps: ConnectorDeps): Promise<WebhookConnector> {
    return createWebhookConnector(settings, deps);
  },
} satisfies ConnectorFactory<typeof webhookSettings>;

function createWebhookConnector(settings: WebhookSettings, deps: ConnectorDeps): WebhookConnector {
  const { inbound } = settings;
  // Every secret is read now, so a missing one stops the start, not a call an hour later.
  const inboundSecret = inbound ? deps.secret(inbound.secretEnv) : undefined;
  const tools: Record<string, ToolDefinition> = {};
  for (const [name, target] of Object.entries(settings.targets)) {
    tools[name] = targetTool({
      name,
      settings: target,
      url: target.url ?? urlFrom(name, target.urlEnv!, deps),
      secretHeaders: Object.fromEntries(Object.entries(target.headersEnv).map(([header, env]) => [header, deps.secret(env)])),
      signingSecret: target.secretEnv ? deps.secret(target.secretEnv) : undefined,
      now: deps.now,
    });
  }
  let inboundUrl: string | undefined;
  const connector = defineConnector({
    name: 'webhook',
    description: 'Signed webhooks in as trigger events; calls to configured URLs out.',
    tools,
    events: Object.fromEntries(
      (inbound?.events ?? []).map((event) => [
        `webhook.${event}`,
        `A signed POST to ${inbound!.pathPrefix}/${event}; data.payload is the sender's JSON (untrusted), e.g. where: { payload.status: paid }.`,
      ]),
    ),
    ...(inbound && {
      async start({ emit, logger }) {
        if (inboundUrl) throw new Error('The webhook connector is already receiving webhooks.');
        const server = await startInbound({ settings: inbound, secret: inboundSecret!, emit, logger, now: deps.now });
        inboundUrl = server.url;
        return async () => {
          await server.stop();
          inboundUrl = undefined;
        };
      },
    }),
  });
  return Object.assign(connector, { inboundUrl: () => inboundUrl });
}

function urlFrom(target: string, env: string, deps: ConnectorDeps): string {
  const url = deps.secret(env);
  if (!URL.canParse(url) || !/^https?:$/.test(new URL(url).protocol)) {
    throw new CoworkersError('CONFIG_INVALID', `The variable ${env} (the URL of the webhook target "${target}") does not hold an http(s) URL.`, {
      hint: `Set ${env} to the full URL, e.g. https://hooks.example.com/…`,
    });
  }
  return url;
}
