// Every connector a deployment can configure in `connectors.yaml`, by section name. Each is
// loaded only when configured: it pulls in its service's client library, which every CLI
// command would otherwise pay for at start.
import type { ConnectorFactory } from './connector-deps.ts';

export type FactoryLoaders = Readonly<Record<string, () => Promise<ConnectorFactory>>>;

export const CONNECTOR_FACTORIES: FactoryLoaders = {
  crm: async () => (await import('./crm/index.ts')).crmFactory,
  email: async () => (await import('./email/index.ts')).emailFactory,
  calendar: async () => (await import('./calendar/index.ts')).calendarFactory,
  hubspot: async () => (await import('./hubspot/index.ts')).hubspotFactory,
  ads: async () => (await import('./ads/index.ts')).adsFactory,
  webhook: async () => (await import('./webhook/index.ts')).webhookFactory,
  mcp: async () => (await import('./mcp/index.ts')).mcpFactory,
};
