// The `hubspot:` section of connectors.yaml: the variable holding the private app's access token,
// and the API's base URL (another one for a proxy or a test server).
import { z } from 'zod';

export const hubspotSettings = z.strictObject({
  tokenEnv: z
    .string()
    .min(1)
    .default('HUBSPOT_TOKEN')
    .describe('The environment variable holding the access token of a HubSpot private app (Settings → Integrations → Private apps).'),
  baseUrl: z
    .url({ protocol: /^https?$/, error: 'write the HubSpot API base URL, e.g. https://api.hubapi.com' })
    .default('https://api.hubapi.com')
    .describe('The HubSpot API base URL; change it only for a proxy or a test server.'),
});

export type HubspotSettings = z.output<typeof hubspotSettings>;
