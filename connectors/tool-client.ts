// How the runtime calls a tool: a request to the connector's subject, wherever the connector
// runs, and a reply checked to be a tool result. A connector's CoworkersError rejects the call.
import { z } from 'zod';
import { CoworkersError, connectorOf, subjects, toolResultSchema, type ToolCall, type ToolResult } from '../protocol/index.ts';
import type { Bus } from '../messaging/index.ts';

/** Sending an email or updating a CRM can take a while; the bus default (5 s) is for quick answers. */
const DEFAULT_TOOL_TIMEOUT_MS = 30_000;

export interface ToolClientOptions {
  bus: Bus;
  /** How long a call may take before it rejects with REQUEST_TIMEOUT. Default 30 s. */
  timeoutMs?: number;
}

export interface ToolClient {
  call(call: ToolCall): Promise<ToolResult>;
}

export function createToolClient(options: ToolClientOptions): ToolClient {
  const { bus } = options;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TOOL_TIMEOUT_MS;
  return {
    async call(call) {
      if (!call.tool.includes('.')) {
        throw new CoworkersError('TOOL_UNKNOWN', `"${call.tool}" is not a tool name; tools are named <connector>.<operation>, e.g. crm.getDeal.`, {
          hint: 'Use a tool name from the coworker definition.',
        });
      }
      const subject = subjects.tool(connectorOf(call.tool));
      const reply = toolResultSchema.safeParse(await bus.request(subject, call, { timeoutMs }));
      if (reply.success) return reply.data;
      throw new CoworkersError('INTERNAL', `The reply to ${call.tool} on "${subject}" is not a tool result:\n${z.prettifyError(reply.error)}`, {
        hint: 'Serve connectors with serveConnector(), which answers with { result, replayed }.',
      });
    },
  };
}
