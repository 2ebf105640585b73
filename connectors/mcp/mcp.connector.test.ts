// The MCP bridge against a real MCP server process over stdio (test-server.ts): the tools it
// lists, their names and risks, calls and error results, secrets in the environment, and the
// process stopping when the bridge closes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Connector } from '../connector-kit.ts';
import { mcpFactory } from './mcp.connector.ts';
import { mcpSettings } from './mcp.settings.ts';
import { testConnectorDeps, toolCall } from '../connector-test-kit.ts';
import { TEST_SERVER_TIME } from './test-server.ts';

const TEST_SERVER = new URL('./test-server.ts', import.meta.url).pathname;

async function bridge(server: Record<string, unknown>, secrets: Record<string, string> = {}) {
  const deps = testConnectorDeps({ secrets });
  const settings = mcpSettings.parse({ servers: { files: { command: process.execPath, args: [TEST_SERVER], ...server } } });
  // As the runtime does: whatever was started is closed again when creating fails.
  const [connector] = (await mcpFactory.create(settings, deps).catch(async (error: unknown) => {
    await deps.close();
    throw error;
  })) as Connector[];
  return { connector: connector!, close: () => deps.close() };
}

async function serverInfo(connector: Connector): Promise<{ pid: number; greeting: string | null }> {
  const { result } = await connector.call(toolCall('files.server_Info', {}));
  return (result as { structuredContent: { pid: number; greeting: string | null } }).structuredContent;
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitFor<T>(check: () => Promise<T | undefined> | T | undefined): Promise<T> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const value = await check();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error('gave up waiting');
}

describe('the MCP bridge over stdio', () => {
  let connector: Connector;
  let close: () => Promise<void>;

  beforeAll(async () => {
    ({ connector, close } = await bridge(
      { env: { TEST_GREETING: 'GREETING_SECRET' }, risk: { default: 'read', tools: { echo: 'write', 'Server.Info': 'customer-facing' } } },
      { GREETING_SECRET: 'hello from a secret' },
    ));
  });
  afterAll(() => close());

  it("offers the server's tools as operations of the server's connector, with the server's descriptions and input schemas", () => {
    expect(connector.name).toBe('files');
    expect(connector.description).toBe('The MCP server "files" (coworkers-test-server 1.0.0), over stdio.');
    expect(connector.specs.map((spec) => spec.name)).toEqual(['files.get_time', 'files.echo', 'files.delete_file', 'files.server_Info']);
    const echo = connector.specs.find((spec) => spec.name === 'files.echo')!;
    expect(echo.description).toBe('Says the text back, as many times as asked.');
    // The server's schema as listed (its $schema dropped, as for every tool); `additionalProperties: {}` is JSON Schema's default spelled out.
    expect(echo.input).toEqual({
      type: 'object',
      properties: {
        text: { type: 'string', minLength: 1, description: 'What to say back.' },
        times: { type: 'integer', minimum: 1, maximum: 5, description: 'How often; once unless given.' },
      },
      required: ['text'],
      additionalProperties: {},
    });
  });

  it('takes each risk from the settings; annotations only make it stricter', () => {
    expect(Object.fromEntries(connector.specs.map((spec) => [spec.name, spec.risk]))).toEqual({
      'files.get_time': 'read',
      'files.echo': 'write',
      // configured read (the default), but the server calls it destructive
      'files.delete_file': 'destructive',
      // the server says read-only; the settings say customer-facing, and that stands
      'files.server_Info': 'customer-facing',
    });
  });

  it("calls a tool by the server's name and marks what it answers as untrusted", async () => {
    await expect(connector.call(toolCall('files.echo', { text: 'hi', times: 2 }))).resolves.toEqual({
      result: { untrusted: true, text: 'hi\nhi' },
      replayed: false,
    });
    await expect(connector.call(toolCall('files.get_time', {}))).resolves.toEqual({
      result: { untrusted: true, text: TEST_SERVER_TIME, structuredContent: { now: TEST_SERVER_TIME } },
      replayed: false,
    });
  });

  it("checks arguments against the server's schema before calling it", async () => {
    await expect(connector.call(toolCall('files.echo', { text: 5 }))).rejects.toMatchObject({
      code: 'TOOL_FAILED',
      retryable: false,
      message: expect.stringMatching(/files\.echo got invalid arguments .*text must be string.*nothing was executed/),
    });
    await expect(connector.call(toolCall('files.echo', { text: 'hi', times: 9 }))).rejects.toMatchObject({ message: expect.stringContaining('must be <= 5') });
  });

  it("turns an error result into a failed call carrying the server's message", async () => {
    await expect(connector.call(toolCall('files.delete_file', { path: '/etc/hosts' }))).rejects.toMatchObject({
      code: 'TOOL_FAILED',
      retryable: false,
      message: 'files.delete_file failed on the MCP server "files": no such file: /etc/hosts',
    });
  });

  it('gives the server process the configured secrets as environment variables', async () => {
    expect((await serverInfo(connector)).greeting).toBe('hello from a secret');
  });

  it('starts the server again on the next call after it died', async () => {
    const { pid } = await serverInfo(connector);
    process.kill(pid, 'SIGKILL');
    // Until the bridge notices the exit, a call fails as retryable: the service is away.
    const restarted = await waitFor(() => serverInfo(connector).then((info) => (info.pid !== pid ? info.pid : undefined), () => undefined));
    expect(isRunning(restarted)).toBe(true);
    expect(isRunning(pid)).toBe(false);
  });
});

describe('the MCP bridge settings', () => {
  it('offers only the included tools', async () => {
    const { connector, close } = await bridge({ include: ['echo', 'Server.Info'], risk: { default: 'write' } });
    try {
      expect(connector.specs.map((spec) => spec.name)).toEqual(['files.echo', 'files.server_Info']);
    } finally {
      await close();
    }
  });

  it('stops the server process when the bridge closes', async () => {
    const { connector, close } = await bridge({ risk: { default: 'read' } });
    const { pid } = await serverInfo(connector);
    expect(isRunning(pid)).toBe(true);
    await close();
    await waitFor(() => (isRunning(pid) ? undefined : true));
    await expect(connector.call(toolCall('files.get_time', {}))).rejects.toMatchObject({ code: 'TOOL_FAILED', retryable: true });
  });

  it("refuses a tool name the server does not have, naming the server's tools", async () => {
    await expect(bridge({ risk: { default: 'read', tools: { 'delete_file': 'destructive' } } })).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
      message: 'The MCP server "files" has no tool "delete_file"; it offers get_time, echo, delete-file, Server.Info.',
    });
  });

  it('refuses a command that starts no server', async () => {
    await expect(bridge({ args: ['-e', 'process.exit(3)'], risk: { default: 'read' } })).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
      message: expect.stringContaining('The MCP server "files" could not be reached'),
    });
  });

  it('explains settings that cannot work', () => {
    const problems = (servers: unknown) => mcpSettings.safeParse({ servers }).error?.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    expect(problems({ 'My-Server': { command: 'x', risk: { default: 'read' } } })).toEqual([
      'servers.My-Server: a server is named like a connector: lower-case letters and digits, starting with a letter (e.g. "github"); its tools become "github.<tool>"',
    ]);
    expect(problems({ both: { command: 'x', url: 'https://mcp.example.com/mcp', risk: { default: 'read' } } })).toEqual([
      'servers.both: give either `command` (a server run over stdio) or `url` (a server over streamable HTTP), not both or neither',
    ]);
    expect(problems({ web: { url: 'https://mcp.example.com/mcp', args: ['-y'], risk: { default: 'read' } } })).toEqual([
      'servers.web.args: `args` applies to a server run with `command`, not to one reached by `url`',
    ]);
    expect(problems({ norisk: { command: 'x' } })).toEqual(['servers.norisk.risk: Invalid input: expected object, received undefined']);
  });
});
