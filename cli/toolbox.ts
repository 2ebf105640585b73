// The tools of this deployment: the connectors configured in `connectors.yaml`, and, for any
// connector name the examples use but nobody configured, its sample (labelled as sample data),
// so the offline demo runs without accounts.
import type { Logger } from 'pino';
import {
  CONNECTOR_FACTORIES,
  createConfiguredConnectors,
  createSampleConnectors,
  createSecrets,
  readConnectorsConfig,
  type ConfiguredConnectors,
  type Connector,
} from '../connectors/index.ts';
import type { Documents } from '../persistence/index.ts';
import type { Toolbox } from './runtime.ts';

export interface ConnectorSetOptions {
  /** The folder of the coworker definitions and `connectors.yaml`. */
  dir: string;
  dataDir: string;
  documents: Documents;
  env: NodeJS.ProcessEnv;
  logger: Logger;
}

export interface ConnectorSet {
  configured: Connector[];
  samples: Connector[];
  close(): Promise<void>;
}

/** The connectors of `connectors.yaml` (or only the one named), built against the given store. */
export function createConfigured(options: ConnectorSetOptions & { only?: string }): Promise<ConfiguredConnectors> {
  return createConfiguredConnectors({
    config: readConnectorsConfig(options.dir),
    factories: CONNECTOR_FACTORIES,
    documents: options.documents,
    secret: createSecrets({ env: options.env }),
    baseDir: options.dir,
    dataDir: options.dataDir,
    logger: options.logger,
    ...(options.only ? { only: options.only } : {}),
  });
}

export async function createConnectorSet(options: ConnectorSetOptions): Promise<ConnectorSet> {
  const configured = await createConfigured(options);
  const taken = new Set(configured.connectors.map((connector) => connector.name));
  const samples = createSampleConnectors().filter((sample) => !taken.has(sample.name));
  return { configured: configured.connectors, samples, close: configured.close };
}

export interface ToolboxOptions extends ConnectorSetOptions {
  /** False when the configured connectors run as `coworkers connector <name>` processes: their tools are offered, not served here. */
  serve: boolean;
  /** The Slack gateway serves the real slack connector; no sample stands in for it. */
  slackServedElsewhere: boolean;
}

export async function buildToolbox(options: ToolboxOptions): Promise<Toolbox> {
  const { configured, samples, close } = await createConnectorSet(options);
  if (samples.length > 0) {
    options.logger.warn({ connectors: samples.map((sample) => sample.name) }, 'sample connectors stand in for connectors not configured in connectors.yaml: their results are made up and labelled as such');
  }
  const offered = [...configured, ...samples];
  // Samples exist only in this process; configured connectors may run as processes of their own.
  // The gateway's slack.post has the same name and risk as the sample's.
  const served = (options.serve ? offered : samples).filter((connector) => !(connector.name === 'slack' && options.slackServedElsewhere));
  return { served, tools: offered.flatMap((connector) => connector.specs), close };
}
