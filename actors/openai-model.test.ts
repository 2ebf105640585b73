// The agent runner against an OpenAI-compatible endpoint through ChatOpenAI, as with OpenAI,
// Ollama, vLLM or LM Studio: a local HTTP server plays the endpoint and checks what it is sent
// (tool definitions, the tool result after an approval), so the transcript we keep is valid.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ChatOpenAI } from '@langchain/openai';
import { afterEach, describe, expect, it } from 'vitest';
import { coworkerDefinitionSchema, type ToolCall } from '../protocol/index.ts';
import { createAgentRunner } from './agent-runner.ts';
import type { RunContext } from './task-runner.ts';

type ChatRequest = { model: string; messages: Array<{ role: string; content: string | null; tool_call_id?: string; tool_calls?: unknown[] }>; tools?: Array<{ function: { name: string } }> };

let server: Server | null = null;
afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

/** An endpoint that first proposes an email, then summarises once it sees the tool's result. */
async function fakeEndpoint(): Promise<{ baseURL: string; requests: ChatRequest[] }> {
  const requests: ChatRequest[] = [];
  server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      const chat = JSON.parse(body) as ChatRequest;
      requests.push(chat);
      const toolResult = chat.messages.find((message) => message.role === 'tool');
      const message = toolResult
        ? { role: 'assistant', content: `Sent. Result: ${toolResult.content}` }
        : { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'email__send', arguments: JSON.stringify({ to: ['ann@acme.example'], subject: 'Hi' }) } }] };
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(
        JSON.stringify({
          id: `chatcmpl-${requests.length}`,
          object: 'chat.completion',
          created: 1,
          model: chat.model,
          choices: [{ index: 0, message, finish_reason: toolResult ? 'stop' : 'tool_calls' }],
          usage: { prompt_tokens: 50, completion_tokens: 10, total_tokens: 60 },
        }),
      );
    });
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return { baseURL: `http://127.0.0.1:${(server!.address() as AddressInfo).port}/v1`, requests };
}

const definition = coworkerDefinitionSchema.parse({
  id: 'sam',
  name: 'Sam',
  role: 'Account executive',
  team: 'sales',
  manager: { name: 'Mia', slack: 'UMIA', email: 'mia@example.com' },
  timezone: 'UTC',
  tools: ['email.send'],
});

describe('the agent runner with ChatOpenAI', () => {
  it('binds the tools, gates the proposed call, and sends its result back as a tool message', async () => {
    const { baseURL, requests } = await fakeEndpoint();
    const calls: ToolCall[] = [];
    const runner = createAgentRunner({
      model: new ChatOpenAI({ model: 'test-model', apiKey: 'not-needed', configuration: { baseURL }, maxRetries: 0 }),
      tools: [{ name: 'email.send', description: 'Send an email', risk: 'customer-facing', input: { type: 'object', properties: { to: { type: 'array' } } } }],
      callTool: async (call) => (calls.push(call), { result: { messageId: 'm1' }, replayed: false }),
    });
    const task = { id: 't1', text: 'Email Ann', source: 'person' as const, requestedBy: 'UMIA', createdAt: 0 };
    const context: RunContext = { coworkerId: 'sam', task, notes: [], run: null, definition, signal: new AbortController().signal, audit: async () => {}, now: () => 0 };

    const first = await runner(context);
    expect(first.kind).toBe('approvalNeeded');
    if (first.kind !== 'approvalNeeded') return;
    expect(requests[0]!.tools!.map((tool) => tool.function.name)).toEqual(['email__send', 'ask_manager']);
    expect(first.requests[0]).toMatchObject({ tool: 'email.send', args: { to: ['ann@acme.example'], subject: 'Hi' }, toolCallId: 'call_1' });
    expect(calls).toEqual([]);

    // The next step starts from the stored state, as after a restore: through JSON.
    const run = JSON.parse(JSON.stringify(first.run)) as unknown;
    const approvalId = first.requests[0]!.id;
    const second = await runner({ ...context, run, notes: [{ kind: 'decision', approvalId, decision: 'approved', by: 'UMIA', at: 1 }] });
    expect(second).toMatchObject({ kind: 'done', summary: 'Sent. Result: {"messageId":"m1"}' });
    expect(calls).toMatchObject([{ tool: 'email.send', idempotencyKey: `approval:${approvalId}` }]);
    const resumed = requests[1]!.messages.map((message) => message.role);
    expect(resumed).toEqual(['system', 'user', 'assistant', 'tool']);
    expect(requests[1]!.messages[3]).toMatchObject({ tool_call_id: 'call_1' });
  });
});
