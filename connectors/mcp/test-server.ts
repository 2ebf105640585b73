// A small real MCP server for the bridge's tests: over stdio when run as a script, and as an
// `McpServer` the HTTP test serves itself. Its tools cover the cases the bridge must map.
import { pathToFileURL } from 'node:url';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { z } from 'zod';

/** The clock the server answers `get_time` with, so tests can compare it. */
export const TEST_SERVER_TIME = '2030-01-02T03:04:05.000Z';

export function createTestServer(): McpServer {
  const server = new McpServer({ name: 'coworkers-test-server', version: '1.0.0' });
  server.registerTool(
    'get_time',
    {
      description: 'The server clock as an ISO timestamp.',
      outputSchema: { now: z.string() },
      annotations: { readOnlyHint: true },
    },
    async () => ({ content: [{ type: 'text', text: TEST_SERVER_TIME }], structuredContent: { now: TEST_SERVER_TIME } }),
  );
  server.registerTool(
    'echo',
    {
      description: 'Says the text back, as many times as asked.',
      inputSchema: {
        text: z.string().min(1).describe('What to say back.'),
        times: z.number().int().min(1).max(5).optional().describe('How often; once unless given.'),
      },
    },
    async ({ text, times }) => ({ content: Array.from({ length: times ?? 1 }, () => ({ type: 'text' as const, text })) }),
  );
  server.registerTool(
    'delete-file',
    {
      description: 'Deletes a file (this test server has none, so it always answers with an error).',
      inputSchema: { path: z.string().describe('The file to delete.') },
      annotations: { destructiveHint: true, readOnlyHint: false },
    },
    async ({ path }) => ({ content: [{ type: 'text', text: `no such file: ${path}` }], isError: true }),
  );
  server.registerTool(
    'Server.Info',
    {
      description: "This server's process id, so a test can see it stop, and the greeting its environment was given.",
      outputSchema: { pid: z.number(), greeting: z.string().nullable() },
      annotations: { readOnlyHint: true },
    },
    async () => {
      const info = { pid: process.pid, greeting: process.env.TEST_GREETING ?? null };
      return { content: [{ type: 'text', text: JSON.stringify(info) }], structuredContent: info };
    },
  );
  return server;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await createTestServer().connect(new StdioServerTransport());
}
