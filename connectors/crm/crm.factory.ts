// The `crm` section of connectors.yaml and how the built-in CRM is built from it. It needs no
// account and no secret: its data lives in the project's store.
import { Cron } from 'croner';
import { z } from 'zod';
import type { ConnectorFactory } from '../connector-deps.ts';
import { createCrmConnector } from './crm.connector.ts';
import { seedExampleCrm } from './crm-seed.ts';

function isCron(expression: string): boolean {
  try {
    new Cron(expression, { paused: true });
    return true;
  } catch {
    return false;
  }
}

export const crmSettings = z.strictObject({
  seed: z
    .enum(['example', 'none'], 'must be "example" or "none"')
    .default('none')
    .describe('"example" fills an empty CRM once with a small sample pipeline (companies, contacts, eight deals); "none" leaves it as it is.'),
  staleAfterDays: z.number().int().positive().default(21).describe('Days without activity after which an open deal is announced as crm.deal.stale.'),
  staleCheck: z
    .string()
    .refine(isCron, 'not a valid cron expression: use five fields "minute hour day month weekday", e.g. "0 * * * *" for every hour')
    .default('0 * * * *')
    .describe('When to look for stale deals, as a cron expression in UTC; the check also runs once when the connector starts.'),
});

export type CrmSettings = z.output<typeof crmSettings>;

export const crmFactory: ConnectorFactory<typeof crmSettings> = {
  name: 'crm',
  settings: crmSettings,
  async create(settings, deps) {
    if (settings.seed === 'example' && (await seedExampleCrm(deps.documents, deps.now()))) deps.logger.info('The CRM was empty: seeded it with the example pipeline');
    return createCrmConnector({ documents: deps.documents, now: deps.now, staleAfterDays: settings.staleAfterDays, staleCheck: settings.staleCheck });
  },
};
