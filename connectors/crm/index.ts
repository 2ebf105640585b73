// The built-in CRM connector: its factory for connectors.yaml, and what tests elsewhere may
// use to build or seed one directly.
export { crmFactory, crmSettings, type CrmSettings } from './crm.factory.ts';
export { createCrmConnector, STAGE_CHANGED_EVENT, type CrmConnectorOptions } from './crm.connector.ts';
export { STALE_EVENT } from './crm-stale.ts';
export { seedExampleCrm } from './crm-seed.ts';
export { examplePipeline, type ExamplePipeline } from './example-pipeline.ts';
export { ACTIVITY_KINDS, PIPELINES, STAGES, type Activity, type ActivityKind, type Company, type Contact, type Deal, type Note, type Pipeline, type Stage } from './crm-model.ts';
