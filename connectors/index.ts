// The connectors folder's public face: the kit to write a connector, the bus glue on both sides
// of a tool call, and the sample connectors of the offline demo.
export { defineConnector, type Connector, type ConnectorContext, type ConnectorDefinition, type EventSpec, type ToolContext, type ToolDefinition } from './connector-kit.ts';
export { serveConnector, type GrantLookup, type ServeConnectorOptions } from './serve-connector.ts';
export { grantsFromStore } from './grants.ts';
export { createToolClient, type ToolClient, type ToolClientOptions } from './tool-client.ts';
export { createSampleConnectors, findSample, type SampleConnector, type SampleConnectorName } from './sample/sample-connectors.ts';
export { SAMPLE_SOURCE } from './sample/sample-data.ts';
export type { AppendedRow, SheetsSample } from './sample/sheets.sample.ts';
export type { SlackPost, SlackSample } from './sample/slack.sample.ts';
export { SLACK_POST_CONSEQUENTIAL, SLACK_POST_DESCRIPTION, slackPostInput } from './slack-post.ts';
export { CONNECTOR_FACTORIES, type FactoryLoaders } from './factories.ts';
export { CONNECTORS_FILE, createConfiguredConnectors, connectorSecretNames, createSecrets, readConnectorsConfig, secretValues, type ConfiguredConnectors, type ConnectorsConfig } from './connectors-config.ts';
export type { ConnectorDeps, ConnectorFactory } from './connector-deps.ts';
export { CONNECTORS_JSON_SCHEMA_FILE, connectorsJsonSchemaText } from './connectors-json-schema.ts';
