// How an MCP tool's name, annotations and result map onto a connector tool, case by case.
import { describe, expect, it } from 'vitest';
import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import type { ToolRisk } from '../../protocol/index.ts';
import { bridgedTool, operationName, resultOf, riskOf } from './mcp-tools.ts';

function tool(annotations: Tool['annotations']): Tool {
  return { name: 'thing', inputSchema: { type: 'object' }, annotations };
}

describe('MCP tools as connector tools', () => {
  it.each([
    ['get_time', 'get_time'],
    ['delete-file', 'delete_file'],
    ['files.read', 'files_read'],
    ['Server.Info', 'server_Info'],
    ['2fa-code', 'tool_2fa_code'],
    ['_private', 'tool__private'],
  ])('names the MCP tool %s as the operation %s', (name, operation) => {
    expect(operationName(name)).toBe(operation);
    expect(operation).toMatch(/^[a-z][a-zA-Z0-9_]*$/);
  });

  it.each<[ToolRisk, Tool['annotations'], ToolRisk]>([
    ['read', undefined, 'read'],
    ['read', { readOnlyHint: false }, 'write'],
    ['read', { destructiveHint: true }, 'destructive'],
    ['write', { destructiveHint: true }, 'destructive'],
    ['write', { readOnlyHint: true }, 'write'],
    ['destructive', { readOnlyHint: true, destructiveHint: false }, 'destructive'],
    ['customer-facing', { readOnlyHint: true }, 'customer-facing'],
    ['money', { destructiveHint: true }, 'money'],
  ])('keeps the configured risk %s under the annotations %j as %s', (configured, annotations, risk) => {
    expect(riskOf(tool(annotations), { default: configured, tools: {} })).toBe(risk);
  });

  it('names content the model cannot read instead of passing it on', () => {
    const result = resultOf('docs.fetch', 'docs', {
      content: [
        { type: 'text', text: 'Intro' },
        { type: 'image', data: 'aGk=', mimeType: 'image/png' },
        { type: 'resource', resource: { uri: 'file:///a.txt', text: 'Inside a.txt' } },
        { type: 'resource', resource: { uri: 'file:///b.bin', blob: 'AA==', mimeType: 'application/octet-stream' } },
        { type: 'resource_link', uri: 'file:///c.txt', name: 'c.txt' },
      ],
    });
    expect(result).toEqual({
      untrusted: true,
      text: 'Intro\n[image/png image not shown]\nInside a.txt\n[application/octet-stream resource file:///b.bin not shown]\n[resource file:///c.txt not shown]',
    });
  });

  it('refuses a tool whose input schema cannot be checked, saying how to leave it out', () => {
    const broken: Tool = { name: 'lookup', inputSchema: { type: 'object', properties: { id: { $ref: '#/$defs/missing' } } } };
    expect(() => bridgedTool({ server: 'docs', tool: broken, risk: { default: 'read', tools: {} }, call: async () => ({ content: [] }) })).toThrow(
      expect.objectContaining({ code: 'CONFIG_INVALID', hint: expect.stringContaining('mcp.servers.docs.include') }),
    );
  });
});
