// Issue 17's acceptance: a secret set in the environment, then echoed back by a tool result,
// appears nowhere in the store's files or the logs. `coworkers up` runs a real MCP server given the
// secret through connectors.yaml (`env: { TEST_GREETING: <secret's name> }`); the server logs it
// and its tool answers with it; a fake model calls that tool, then quotes what it got.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:http';
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { cleanEnv, coworkers, killCliProcesses } from './cli-processes.ts';
import { definitionYaml, waitFor, writeDefinitions } from './helpers.ts';

const SECRET = `greeting-${crypto.randomUUID()}`;
const TOOL = 'files__server_Info';

afterEach(() => killCliProcesses());

/** A chat-completions endpoint: calls the tool on the first turn, then answers with the tool's result. */
async function startModel() {
  const requests: string[] = [];
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      requests.push(body);
      const chat = JSON.parse(body) as { model: string; messages: Array<{ role: string; content: string | null }> };
      const toolResult = chat.messages.find((message) => message.role === 'tool');
      const message = toolResult
        ? { role: 'assistant', content: `The server said: ${toolResult.content}` }
        : { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: TOOL, arguments: '{}' } }] };
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ id: `chatcmpl-${requests.length}`, object: 'chat.completion', created: 0, model: chat.model, choices: [{ index: 0, message, finish_reason: toolResult ? 'stop' : 'tool_calls' }], usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 } }));
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { baseURL: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`, requests, close: () => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))) };
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : statSync(path).isFile() ? [path] : [];
  });
}

it('keeps a secret a tool echoes out of every stored file, the logs, the output and what the model is sent', async () => {
  const model = await startModel();
  try {
    const dir = writeDefinitions({ ada: `${definitionYaml('ada')}tools: [files.server_Info]\n` });
    const server = join(process.cwd(), 'tests/fixtures/mcp-leaky-server.ts');
    writeFileSync(join(dir, 'connectors.yaml'), `mcp:\n  servers:\n    files:\n      command: ${JSON.stringify(process.execPath)}\n      args: [${JSON.stringify(server)}]\n      env: { TEST_GREETING: LEAKY_GREETING }\n      risk: { default: read }\n`);
    const work = mkdtempSync(join(tmpdir(), 'coworkers-secrets-'));
    const env = { ...cleanEnv, LOG_LEVEL: 'debug', LEAKY_GREETING: SECRET, OPENAI_BASE_URL: model.baseURL, OPENAI_API_KEY: 'sk-test-0123456789abcdef' };
    const up = spawn(process.execPath, [join(process.cwd(), 'cli/main.ts'), 'up', '--dir', dir], { cwd: work, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    up.stdout.on('data', (chunk) => (stdout += chunk));
    up.stderr.on('data', (chunk) => (stderr += chunk));
    await waitFor(async () => stdout.includes('Ctrl-C stops'), 'coworkers up to start');

    expect(coworkers(['send', 'ada', `Ask the files server for its info`], env, work).code).toBe(0);
    await waitFor(async () => stdout.includes('The server said'), 'the report printed by up');
    await waitFor(async () => coworkers(['list', '--json'], env, work).stdout.includes('"idle"'), 'ada idle again');
    const audit = coworkers(['audit', 'ada', '--json'], env, work).stdout;
    const exited = once(up, 'exit');
    up.kill('SIGTERM');
    await exited;

    // The server did get the secret, logged it, and its tool answered with it: all seen scrubbed.
    expect(stderr).toContain('starting with greeting [secret:LEAKY_GREETING]');
    expect(stdout).toContain('[secret:LEAKY_GREETING]');
    expect(model.requests.join('\n')).toContain('[secret:LEAKY_GREETING]');
    expect(audit).toContain('files.server_Info');
    const stored = filesUnder(join(work, '.coworkers'));
    expect(stored.some((file) => file.endsWith('coworkers.db'))).toBe(true);
    const everything = stored.map((file) => readFileSync(file).toString('latin1'));
    expect(everything.some((content) => content.includes('[secret:LEAKY_GREETING]'))).toBe(true);
    for (const [what, text] of [...stored.map((file, index) => [file, everything[index]!]), ['stdout', stdout], ['stderr', stderr], ['audit', audit], ['model requests', model.requests.join('\n')]]) {
      expect(text!.includes(SECRET), `${what} holds the secret`).toBe(false);
    }
  } finally {
    await model.close();
  }
}, 60_000);
