// The agent runner against an OpenAI-compatible endpoint through ChatOpenAI, as with OpenAI,
// Ollama, vLLM or LM Studio: a local HTTP server plays the endpoint and checks what it is sent
// (tool definitions, the tool result after an approval), so the transcript we keep is valid.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ChatOpenAI } from '@langchain/openai';
import { afterEach, describe, expect, it } from 'vitest';
import { coworkerDefinitionSchema, ephemeralSigner, type ToolCall } from '../protocol/index.ts';
import { createAgentRunner } from './agent-runner.ts';
import type { RunContext } from './task-runner.ts';

type ChatRequest = { model: string; messages: Array<{ role: string; content: string | null; tool_call_id?: string; tool_calls?: unknown[] }>; tools?: Array<{ function: { name: string } }> };

let server: Server | null = null;
afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

type AssistantMessage = { role: 'assistant'; content: string | null; tool_calls?: Array<{ id: string; type: 'function'; function: { name: string; arguments: string } }> };

/** The next step starts from the stored state, as after a restore: through JSON. */
const stored = (result: unknown) => JSON.parse(JSON.stringify((result as { run: unknown }).run)) as unknown;

const call = (id: string, name: string, args: string) => ({ id, type: 'function' as const, function: { name, arguments: args } });

/** An endpoint that first proposes an email, then summarises once it sees the tool's result. */
const emailThenSummary = (chat: ChatRequest): AssistantMessage => {
  const toolResult = chat.messages.find((message) => message.role === 'tool');
  return toolResult
    ? { role: 'assistant', content: `Sent. Result: ${toolResult.content}` }
    : { role: 'assistant', content: null, tool_calls: [call('call_1', 'email__send', JSON.stringify({ to: ['ann@acme.example'], subject: 'Hi' }))] };
};

async function fakeEndpoint(answer: (chat: ChatRequest) => AssistantMessage = emailThenSummary): Promise<{ baseURL: string; requests: ChatRequest[] }> {
  const requests: ChatRequest[] = [];
  server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      const chat = JSON.parse(body) as ChatRequest;
      requests.push(chat);
      const message = answer(chat);
      const toolResult = message.tool_calls === undefined;
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
      signer: ephemeralSigner(),
    });
    const task = { id: 't1', text: 'Email Ann', source: 'person' as const, requestedBy: 'UMIA', createdAt: 0 };
    const context: RunContext = { coworkerId: 'sam', task, notes: [], run: null, definition, signal: new AbortController().signal, audit: async () => {}, now: () => 0 };

    // The model's turn is stored before anything it proposed is classified or run.
    const turn = await runner(context);
    expect(turn.kind).toBe('progress');
    const first = await runner({ ...context, run: stored(turn) });
    expect(first.kind).toBe('approvalNeeded');
    if (first.kind !== 'approvalNeeded') return;
    expect(requests[0]!.tools!.map((tool) => tool.function.name)).toEqual(['email__send', 'ask_manager']);
    expect(first.requests[0]).toMatchObject({ tool: 'email.send', args: { to: ['ann@acme.example'], subject: 'Hi' }, toolCallId: 'call_1' });
    expect(calls).toEqual([]);

    const run = stored(first);
    const approvalId = first.requests[0]!.id;
    const second = await runner({ ...context, run, notes: [{ kind: 'decision', approvalId, decision: 'approved', by: 'UMIA', at: 1 }] });
    // The call's outcome is stored before the model is asked again.
    expect(second.kind).toBe('progress');
    expect(requests).toHaveLength(1);
    const third = await runner({ ...context, run: stored(second) });
    expect(third).toMatchObject({ kind: 'done', summary: 'Sent. Result: {"messageId":"m1"}' });
    expect(calls).toMatchObject([{ tool: 'email.send', idempotencyKey: `approval:${approvalId}` }]);
    const resumed = requests[1]!.messages.map((message) => message.role);
    expect(resumed).toEqual(['system', 'user', 'assistant', 'tool']);
    expect(requests[1]!.messages[3]).toMatchObject({ tool_call_id: 'call_1' });
  });

  it('answers calls it cannot run as proposed with their errors, audits them, and does not take such a turn for the end', async () => {
    const malformed = (chat: ChatRequest): AssistantMessage =>
      chat.messages.some((message) => message.role === 'tool')
        ? { role: 'assistant', content: chat.messages.filter((message) => message.role === 'tool').map((message) => message.content).join(' | ') }
        : {
            role: 'assistant',
            content: null,
            tool_calls: [call('bad_json', 'email__send', '{"to": ["ann@acme.example"'), call('unknown', 'files__delete', '{"path":"/"}'), call('bad_args', 'email__send', '{"to":"not a list"}')],
          };
    const { baseURL, requests } = await fakeEndpoint(malformed);
    const calls: ToolCall[] = [];
    const audited: Array<{ kind: string; summary: string }> = [];
    const runner = createAgentRunner({
      model: new ChatOpenAI({ model: 'test-model', apiKey: 'not-needed', configuration: { baseURL }, maxRetries: 0 }),
      tools: [{ name: 'email.send', description: 'Send an email', risk: 'customer-facing', input: { type: 'object', properties: { to: { type: 'array', items: { type: 'string' } } }, required: ['to'] } }],
      callTool: async (toolCall) => (calls.push(toolCall), { result: {}, replayed: false }),
      signer: ephemeralSigner(),
    });
    const task = { id: 't1', text: 'Email Ann', source: 'person' as const, requestedBy: 'UMIA', createdAt: 0 };
    const context: RunContext = { coworkerId: 'sam', task, notes: [], run: null, definition, signal: new AbortController().signal, audit: async (_id, entry) => void audited.push(entry), now: () => 0 };

    const turn = await runner(context);
    expect(turn.kind).toBe('progress');
    const answered = await runner({ ...context, run: stored(turn) });
    expect(answered).toMatchObject({ kind: 'done' });
    expect(calls).toEqual([]);
    // The model got every call back with what was wrong, in a transcript the endpoint accepts.
    const results = requests[1]!.messages.filter((message) => message.role === 'tool');
    // Calls whose arguments could not be parsed come last.
    expect(results.map((message) => message.tool_call_id)).toEqual(['unknown', 'bad_args', 'bad_json']);
    expect(results[2]!.content).toMatch(/^Error: the arguments of email__send are not valid JSON/);
    expect(results[0]!.content).toBe('Error: there is no tool "files__delete". Your tools: email__send, ask_manager.');
    expect(results[1]!.content).toMatch(/^Error: the arguments of email__send do not fit its schema: \/to: .*Fix them and call it again\.$/);
    expect(requests[1]!.messages.find((message) => message.role === 'assistant')!.tool_calls).toHaveLength(3);
    expect(audited.filter((entry) => entry.kind === 'tool.invalid')).toHaveLength(3);
  });
});
