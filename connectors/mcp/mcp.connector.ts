// The `mcp` bridge: each configured Model Context Protocol server becomes a connector of its own
// name, offering the server's tools with the risk the configuration gives them.
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { ErrorCode, McpError, type CallToolResult, type Tool } from '@modelcontextprotocol/sdk/types.js';
import { CoworkersError } from '../../protocol/index.ts';
import { defineConnector, type Connector, type ToolDefinition } from '../connector-kit.ts';
import type { ConnectorDeps, ConnectorFactory } from '../connector-deps.ts';
import { bridgedTool, operationName } from './mcp-tools.ts';
import { createMcpSession, type McpSession } from './mcp-session.ts';
import { mcpSettings, type McpServerSettings } from './mcp.settings.ts';

/** Answers that say the request itself was wrong, so sending it again cannot help. */
const CALLER_ERRORS: readonly number[] = [ErrorCode.InvalidParams, ErrorCode.MethodNotFound, ErrorCode.InvalidRequest];

export const mcpFactory: ConnectorFactory<typeof mcpSettings> = {
  name: 'mcp',
  settings: mcpSettings,
  async create(settings, deps) {
    const connectors: Connector[] = [];
    for (const [name, server] of Object.entries(settings.servers)) connectors.push(await bridgeServer(name, server, deps));
    return connectors;
  },
};

async function bridgeServer(name: string, server: McpServerSettings, deps: ConnectorDeps): Promise<Connector> {
  const session = createMcpSession(name, server, deps);
  deps.onClose(() => session.close());
  const client = await session.client().catch((error: unknown) => {
    throw new CoworkersError('CONFIG_INVALID', `The MCP server "${name}" could not be reached: ${(error as Error).message}`, {
      hint: server.url ? `Check that ${server.url} answers MCP over streamable HTTP.` : `Check that \`${server.command}\` starts an MCP server on stdio.`,
      cause: error,
    });
  });
  const offered = selectTools(name, server, await listTools(client));
  const call = (tool: string, args: Record<string, unknown>) => callTool(session, tool, args);
  const tools: Record<string, ToolDefinition> = {};
  for (const tool of offered) tools[operationName(tool.name)] = bridgedTool({ server: name, tool, risk: server.risk, call });
  const info = client.getServerVersion();
  return defineConnector({
    name,
    description: `The MCP server "${name}"${info ? ` (${info.name} ${info.version})` : ''}, over ${server.url ? 'streamable HTTP' : 'stdio'}.`,
    tools,
  });
}

async function listTools(client: Client): Promise<Tool[]> {
  const tools: Tool[] = [];
  let cursor: string | undefined;
  do {
    const page = await client.listTools(cursor ? { cursor } : undefined);
    tools.push(...page.tools);
    cursor = page.nextCursor;
  } while (cursor);
  return tools;
}

/** The tools to offer; names in the settings that the server lacks, or two tools one operation, are mistakes to fix. */
function selectTools(name: string, server: McpServerSettings, tools: Tool[]): Tool[] {
  const names = tools.map((tool) => tool.name);
  const unknown = [...(server.include ?? []), ...Object.keys(server.risk.tools)].filter((tool) => !names.includes(tool));
  if (unknown.length > 0) {
    throw new CoworkersError('CONFIG_INVALID', `The MCP server "${name}" has no tool "${unknown[0]}"; it offers ${names.join(', ') || 'none'}.`, {
      hint: `Spell the tools in mcp.servers.${name}.include and .risk.tools as the server names them.`,
    });
  }
  const offered = server.include ? tools.filter((tool) => server.include!.includes(tool.name)) : tools;
  const byOperation = new Map<string, string>();
  for (const tool of offered) {
    const operation = operationName(tool.name);
    const other = byOperation.get(operation);
    if (other !== undefined) {
      throw new CoworkersError('CONFIG_INVALID', `The MCP server "${name}" has the tools "${other}" and "${tool.name}", which would both be ${name}.${operation}.`, {
        hint: `List the one to offer in mcp.servers.${name}.include.`,
      });
    }
    byOperation.set(operation, tool.name);
  }
  return offered;
}

async function callTool(session: McpSession, tool: string, args: Record<string, unknown>): Promise<CallToolResult> {
  const client = await session.client();
  try {
    // Parsed with CallToolResultSchema (the default); the compatibility form is only for callers asking for it.
    return (await client.callTool({ name: tool, arguments: args })) as CallToolResult;
  } catch (error) {
    if (error instanceof McpError && CALLER_ERRORS.includes(error.code)) {
      throw new CoworkersError('TOOL_FAILED', `The MCP server refused the call of "${tool}": ${error.message}`, {
        hint: 'Fix the arguments the message names and call again.',
        cause: error,
      });
    }
    throw error;
  }
}
