// The `mcp` section of `connectors.yaml`: the MCP servers to bridge, each becoming a connector
// of its own, how to reach each one (a command over stdio, or a URL), and the risk of its tools.
import { z } from 'zod';
import { toolRiskSchema } from '../../protocol/index.ts';

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const envName = z.string().regex(ENV_NAME, { message: 'an environment variable name is letters, digits and underscores, e.g. "GITHUB_TOKEN"' });

const riskSettings = z
  .strictObject({
    default: toolRiskSchema.describe('The risk of every tool of this server not listed under `tools`, e.g. "read" or "write".'),
    tools: z
      .record(z.string(), toolRiskSchema)
      .default({})
      .describe('Risk by the server\'s own tool name, e.g. { "delete-file": destructive }; overrides `default`.'),
  })
  .describe(
    "The risk class of the server's tools; it decides which calls ask a person first. The server's annotations can only make it stricter (destructiveHint makes a read or write tool destructive).",
  );

const serverSettings = z
  .strictObject({
    command: z.string().min(1).optional().describe('Runs the server as a child process and talks to it over stdio, e.g. "npx".'),
    args: z.array(z.string()).optional().describe('Arguments of `command`, e.g. ["-y", "@modelcontextprotocol/server-filesystem", "./shared"].'),
    env: z
      .record(envName, envName)
      .optional()
      .describe('Variables for the child process, each read from a secret: { GITHUB_TOKEN: MY_GITHUB_TOKEN } sets GITHUB_TOKEN to the value of MY_GITHUB_TOKEN.'),
    cwd: z.string().optional().describe("The child process's working folder, relative to connectors.yaml's folder."),
    url: z.url({ protocol: /^https?$/ }).optional().describe('Talks to a server over streamable HTTP at this URL instead, e.g. "https://mcp.example.com/mcp".'),
    headersEnv: z
      .record(z.string().regex(/^[A-Za-z0-9-]+$/), envName)
      .optional()
      .describe('HTTP headers sent to `url`, each read from a secret: { Authorization: MCP_AUTHORIZATION }.'),
    risk: riskSettings,
    include: z
      .array(z.string().min(1))
      .min(1)
      .optional()
      .describe("Offer only these of the server's tools (by the server's names); all of them when left out."),
  })
  .superRefine((server, ctx) => {
    if (!server.command === !server.url) {
      ctx.addIssue({ code: 'custom', message: 'give either `command` (a server run over stdio) or `url` (a server over streamable HTTP), not both or neither' });
    }
    const stdioOnly = (['args', 'env', 'cwd'] as const).filter((field) => server[field] !== undefined);
    if (server.url && stdioOnly.length > 0) {
      ctx.addIssue({ code: 'custom', path: [stdioOnly[0]!], message: `\`${stdioOnly[0]}\` applies to a server run with \`command\`, not to one reached by \`url\`` });
    }
    if (server.command && server.headersEnv) {
      ctx.addIssue({ code: 'custom', path: ['headersEnv'], message: '`headersEnv` applies to a server reached by `url`, not to one run with `command`' });
    }
  });

const SERVER_NAME = /^[a-z][a-z0-9]*$/;

export const mcpSettings = z.strictObject({
  servers: z
    .record(z.string(), serverSettings)
    .superRefine((servers, ctx) => {
      const names = Object.keys(servers);
      if (names.length === 0) ctx.addIssue({ code: 'custom', message: 'name at least one server' });
      for (const name of names.filter((name) => !SERVER_NAME.test(name))) {
        ctx.addIssue({
          code: 'custom',
          path: [name],
          message: 'a server is named like a connector: lower-case letters and digits, starting with a letter (e.g. "github"); its tools become "github.<tool>"',
        });
      }
    })
    .describe('The MCP servers to bridge, by name; each becomes a connector of that name (its tools are "<name>.<tool>").'),
});

export type McpSettings = z.output<typeof mcpSettings>;
export type McpServerSettings = McpSettings['servers'][string];
