// One MCP server's connection: a child process over stdio or a streamable HTTP session, opened
// again on the next call when it dropped (a server process that crashed is started anew).
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { resolve } from 'node:path';
import packageJson from '../../package.json' with { type: 'json' };
import type { ConnectorDeps } from '../connector-deps.ts';
import type { McpServerSettings } from './mcp.settings.ts';

export interface McpSession {
  /** The connected client, connecting first if there is none. */
  client(): Promise<Client>;
  close(): Promise<void>;
}

export function createMcpSession(name: string, server: McpServerSettings, deps: ConnectorDeps): McpSession {
  // Secrets are read once, up front, so a missing one fails at start-up, not at the first call.
  const env = Object.fromEntries(Object.entries(server.env ?? {}).map(([variable, secret]) => [variable, deps.secret(secret)]));
  const headers = Object.fromEntries(Object.entries(server.headersEnv ?? {}).map(([header, secret]) => [header, deps.secret(secret)]));
  const logger = deps.logger.child({ mcpServer: name });
  let current: Promise<Client> | undefined;
  let closed = false;

  function transport(): Transport {
    if (server.url) return new StreamableHTTPClientTransport(new URL(server.url), { requestInit: { headers } });
    const stdio = new StdioClientTransport({
      command: server.command!,
      args: server.args,
      env,
      cwd: server.cwd === undefined ? undefined : resolve(deps.baseDir, server.cwd),
      stderr: 'pipe',
    });
    // What the server writes to stderr is its log; it would fill the pipe if nobody read it.
    stdio.stderr?.on('data', (chunk: Buffer) => logger.info({ stderr: chunk.toString('utf8').trimEnd() }, 'MCP server output'));
    return stdio;
  }

  async function open(): Promise<Client> {
    const client = new Client({ name: packageJson.name, version: packageJson.version });
    try {
      await client.connect(transport());
    } catch (error) {
      await client.close().catch(() => {});
      throw error;
    }
    client.onclose = () => {
      current = undefined;
      if (!closed) logger.warn('The MCP server connection closed; the next call opens it again.');
    };
    return client;
  }

  return {
    client() {
      if (closed) return Promise.reject(new Error(`The connection to the MCP server "${name}" is closed.`));
      current ??= open().catch((error: unknown) => {
        current = undefined;
        throw error;
      });
      return current;
    },
    async close() {
      closed = true;
      const client = await current?.catch(() => undefined);
      current = undefined;
      await client?.close();
    },
  };
}
