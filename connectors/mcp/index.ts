// The MCP bridge: Model Context Protocol servers (stdio or streamable HTTP) as connectors.
export { mcpFactory } from './mcp.connector.ts';
export { mcpSettings, type McpSettings } from './mcp.settings.ts';
