// Every connector a deployment can configure in `connectors.yaml`, by section name.
import { adsFactory } from './ads/index.ts';
import { calendarFactory } from './calendar/index.ts';
import type { ConnectorFactory } from './connector-deps.ts';
import { crmFactory } from './crm/index.ts';
import { emailFactory } from './email/index.ts';
import { hubspotFactory } from './hubspot/index.ts';
import { mcpFactory } from './mcp/index.ts';
import { webhookFactory } from './webhook/index.ts';

export const CONNECTOR_FACTORIES: readonly ConnectorFactory[] = [crmFactory, emailFactory, calendarFactory, hubspotFactory, adsFactory, webhookFactory, mcpFactory];
