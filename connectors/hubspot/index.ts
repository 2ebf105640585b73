// The `hubspot` connector's public face: its factory for connectors.yaml.
import type { ConnectorFactory } from '../connector-deps.ts';
import { createHubspotConnector } from './hubspot.connector.ts';
import { hubspotSettings } from './hubspot.settings.ts';

export const hubspotFactory: ConnectorFactory<typeof hubspotSettings> = {
  name: 'hubspot',
  settings: hubspotSettings,
  create: async (settings, deps) => createHubspotConnector({ settings, deps }),
};

export { hubspotSettings, type HubspotSettings } from './hubspot.settings.ts';
