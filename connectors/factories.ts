// Every connector a deployment can configure in `connectors.yaml`, by section name.
import type { ConnectorFactory } from './connector-deps.ts';

export const CONNECTOR_FACTORIES: readonly ConnectorFactory[] = [];
