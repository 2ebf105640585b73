// How one MCP tool becomes a connector tool: its name as an operation, its risk (configured,
// only ever tightened by the server's annotations), its input schema, and its result.
import type { CallToolResult, ContentBlock, Tool } from '@modelcontextprotocol/sdk/types.js';
import { AjvJsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/ajv';
import { z } from 'zod';
import { CoworkersError, type ToolRisk } from '../../protocol/index.ts';
import type { ToolDefinition } from '../connector-kit.ts';
import type { McpServerSettings } from './mcp.settings.ts';

/**
 * MCP tool names may hold any of `A-Za-z0-9_-.`; an operation is `[a-z][a-zA-Z0-9_]*`.
 * `delete-file` becomes `delete_file`, `Server.Info` becomes `server_Info`, `2fa` becomes `tool_2fa`.
 */
export function operationName(mcpName: string): string {
  const word = mcpName.replace(/[^a-zA-Z0-9_]/g, '_');
  const lowered = word.charAt(0).toLowerCase() + word.slice(1);
  return /^[a-z]/.test(lowered) ? lowered : `tool_${lowered}`;
}

/**
 * The configured risk, raised where the server itself says the tool does more: a tool it calls
 * destructive is destructive, one it says is not read-only at least writes. Only explicit hints
 * count (the specification presumes an unannotated tool destructive, which would gate every
 * tool of most servers); a hint never lowers a risk, and a gated risk stays as configured.
 */
export function riskOf(tool: Tool, risk: McpServerSettings['risk']): ToolRisk {
  const configured = risk.tools[tool.name] ?? risk.default;
  if (configured !== 'read' && configured !== 'write') return configured;
  if (tool.annotations?.destructiveHint === true) return 'destructive';
  if (configured === 'read' && tool.annotations?.readOnlyHint === false) return 'write';
  return configured;
}

const validators = new AjvJsonSchemaValidator();

/**
 * The kit takes a zod object and shows the model its JSON Schema. To show the server's schema as
 * it is (a conversion to zod and back changes it), the input is a loose object carrying the
 * server's schema as its JSON Schema metadata, checked by the SDK's own JSON Schema validator.
 * `id` (draft-04's name for `$id`) is left out: zod reads it as a name of its own.
 */
export function inputOf(tool: Tool): z.ZodObject {
  const { id: _draft4Id, ...schema } = tool.inputSchema as Record<string, unknown>;
  const validate = validators.getValidator(schema);
  return z
    .looseObject({})
    .superRefine((args, ctx) => {
      const checked = validate(args);
      if (!checked.valid) ctx.addIssue({ code: 'custom', message: checked.errorMessage.replaceAll('data/', '').replace(/^data /, '') });
    })
    .meta(schema);
}

/** The server's answer for the model: content from outside, marked so; an error result fails the call. */
export function resultOf(toolName: string, server: string, result: CallToolResult): { untrusted: true; text: string; structuredContent?: unknown } {
  const text = result.content.map(describeBlock).join('\n');
  if (result.isError) {
    throw new CoworkersError('TOOL_FAILED', `${toolName} failed on the MCP server "${server}": ${text || 'it gave no reason'}`, {
      hint: "The server's message says what was wrong; change the arguments, or ask whoever runs the server if it is the server's fault.",
    });
  }
  return { untrusted: true, text, ...(result.structuredContent === undefined ? {} : { structuredContent: result.structuredContent }) };
}

/** Text as it is; anything else named, since the model reads text only. */
function describeBlock(block: ContentBlock): string {
  switch (block.type) {
    case 'text':
      return block.text;
    case 'resource':
      return 'text' in block.resource ? block.resource.text : `[${block.resource.mimeType ?? 'binary'} resource ${block.resource.uri} not shown]`;
    case 'resource_link':
      return `[resource ${block.uri} not shown]`;
    default:
      return `[${block.mimeType} ${block.type} not shown]`;
  }
}

export interface BridgedToolOptions {
  server: string;
  tool: Tool;
  risk: McpServerSettings['risk'];
  /** Calls the tool on the server by its own name. */
  call(name: string, args: Record<string, unknown>): Promise<CallToolResult>;
}

export function bridgedTool({ server, tool, risk, call }: BridgedToolOptions): ToolDefinition {
  const toolName = `${server}.${operationName(tool.name)}`;
  let input: z.ZodObject;
  try {
    input = inputOf(tool);
  } catch (error) {
    throw new CoworkersError('CONFIG_INVALID', `The MCP server "${server}" lists the tool "${tool.name}" with an input schema that cannot be checked: ${(error as Error).message}`, {
      hint: `Leave the tool out with mcp.servers.${server}.include, or ask whoever runs the server to fix its schema.`,
      cause: error,
    });
  }
  return {
    description: tool.description?.trim() || tool.annotations?.title || tool.title || `The tool "${tool.name}" of the MCP server "${server}".`,
    risk: riskOf(tool, risk),
    input,
    run: async (args) => resultOf(toolName, server, await call(tool.name, args)),
  };
}
