// The MCP bridge against a real MCP server over streamable HTTP, served by node:http in this
// process: the same tools as over stdio, secret headers on every request, and tool names that
// would collide.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { Connector } from '../connector-kit.ts';
import { mcpFactory } from './mcp.connector.ts';
import { mcpSettings } from './mcp.settings.ts';
import { testConnectorDeps, toolCall } from '../connector-test-kit.ts';
import { createTestServer } from './test-server.ts';

interface HttpMcpServer {
  url: string;
  /** The headers of every request it answered. */
  requests: IncomingHttpHeaders[];
  close(): Promise<void>;
}

/** Serves a fresh MCP server per request, the SDK's stateless mode. */
async function serveOverHttp(mcpServer: () => McpServer): Promise<HttpMcpServer> {
  const requests: IncomingHttpHeaders[] = [];
  const http: Server = createServer(async (req, res) => {
    requests.push(req.headers);
    const server = mcpServer();
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
    res.on('close', () => void server.close());
    await server.connect(transport);
    await transport.handleRequest(req, res);
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/mcp`,
    requests,
    close: () => new Promise((resolve) => http.close(() => resolve()).closeAllConnections()),
  };
}

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function bridge(url: string, server: Record<string, unknown>, secrets: Record<string, string> = {}): Promise<Connector> {
  const deps = testConnectorDeps({ secrets });
  cleanups.push(() => deps.close());
  const [connector] = (await mcpFactory.create(mcpSettings.parse({ servers: { remote: { url, ...server } } }), deps)) as Connector[];
  return connector!;
}

describe('the MCP bridge over streamable HTTP', () => {
  it('offers and calls the tools of a server at a URL, sending the secret headers each time', async () => {
    const http = await serveOverHttp(createTestServer);
    cleanups.push(http.close);
    const connector = await bridge(http.url, { headersEnv: { Authorization: 'REMOTE_MCP_AUTH' }, risk: { default: 'write' } }, { REMOTE_MCP_AUTH: 'Bearer s3cret' });

    expect(connector.description).toBe('The MCP server "remote" (coworkers-test-server 1.0.0), over streamable HTTP.');
    expect(Object.fromEntries(connector.specs.map((spec) => [spec.name, spec.risk]))).toEqual({
      'remote.get_time': 'write',
      'remote.echo': 'write',
      'remote.delete_file': 'destructive',
      'remote.server_Info': 'write',
    });
    await expect(connector.call(toolCall('remote.echo', { text: 'over http' }))).resolves.toMatchObject({ result: { untrusted: true, text: 'over http' } });
    expect(http.requests.length).toBeGreaterThan(2);
    expect(http.requests.map((headers) => headers.authorization)).toEqual(http.requests.map(() => 'Bearer s3cret'));
  });

  it('refuses a server whose tools would share an operation name', async () => {
    const http = await serveOverHttp(() => {
      const server = new McpServer({ name: 'clashing', version: '1.0.0' });
      for (const name of ['get-time', 'get_time']) server.registerTool(name, { description: name }, async () => ({ content: [] }));
      return server;
    });
    cleanups.push(http.close);
    await expect(bridge(http.url, { risk: { default: 'read' } })).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
      message: 'The MCP server "remote" has the tools "get-time" and "get_time", which would both be remote.get_time.',
      hint: 'List the one to offer in mcp.servers.remote.include.',
    });
    await expect(bridge(http.url, { include: ['get_time'], risk: { default: 'read' } })).resolves.toMatchObject({
      specs: [expect.objectContaining({ name: 'remote.get_time' })],
    });
  });

  it('says which server could not be reached', async () => {
    const http = await serveOverHttp(createTestServer);
    await http.close();
    await expect(bridge(http.url, { risk: { default: 'read' } })).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
      message: expect.stringContaining('The MCP server "remote" could not be reached'),
      hint: `Check that ${http.url} answers MCP over streamable HTTP.`,
    });
  });
});
