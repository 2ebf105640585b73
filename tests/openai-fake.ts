// A fake OpenAI chat-completions endpoint that, like a real model, never answers the same way
// twice: its first turns propose `calls` notes__add calls with random texts (the last one the
// same as the first), then it answers with text. It records what it was asked and what it answered, by conversation position (how many
// assistant turns the request already holds), so a test can tell which turns were asked again.
import { randomUUID } from 'node:crypto';
import { EventEmitter, once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

type ChatMessage = { role: string; content: string | null; tool_call_id?: string; tool_calls?: Array<{ id: string }> };
type ChatRequest = { model: string; messages: ChatMessage[]; stream?: boolean };

export interface ProposedCall {
  id: string;
  /** The random text of the note, unique to this answer (which proposes it twice). */
  text: string;
}

export interface ModelAnswer {
  /** Assistant turns in the conversation before this answer. */
  position: number;
  completionId: string;
  /** Empty for the final text answer. */
  calls: ProposedCall[];
}

export interface OpenAIFake {
  baseURL: string;
  answers: ModelAnswer[];
  /** Requests whose transcript OpenAI would refuse (a tool call without its result). */
  invalid: string[];
  /** Resolves once `count` answers in all have been sent. */
  answered(count: number): Promise<void>;
  close(): Promise<void>;
}

/** A transcript is valid when every call of every assistant turn has its tool result. */
function missingResults(messages: ChatMessage[]): string[] {
  const results = new Set(messages.filter((message) => message.role === 'tool').map((message) => message.tool_call_id));
  return messages.flatMap((message) => message.tool_calls ?? []).filter((call) => !results.has(call.id)).map((call) => call.id);
}

export interface OpenAIFakeOptions {
  turnsWithCalls: number;
  /** Calls per turn, at least 2. */
  calls: number;
  /** Every answer waits for it (e.g. until the task is stored, so a kill cannot lose the task itself). */
  answerAfter?: () => Promise<unknown>;
}

export async function startOpenAIFake(options: OpenAIFakeOptions): Promise<OpenAIFake> {
  const answers: ModelAnswer[] = [];
  const invalid: string[] = [];
  const sent = new EventEmitter();
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', async () => {
      await options.answerAfter?.();
      const chat = JSON.parse(body) as ChatRequest;
      const missing = missingResults(chat.messages);
      if (chat.stream || missing.length > 0) {
        const why = chat.stream ? 'streaming is not faked' : `tool calls without results: ${missing.join(', ')}`;
        invalid.push(why);
        response.writeHead(400, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ error: { message: why, type: 'invalid_request_error' } }));
        return;
      }
      const position = chat.messages.filter((message) => message.role === 'assistant').length;
      const fresh = Array.from({ length: options.calls - 1 }, () => randomUUID());
      // The last call repeats the first: the same arguments twice are still two calls, with two keys.
      const calls = position < options.turnsWithCalls ? [...fresh, fresh[0]!].map((text) => ({ id: `call_${randomUUID()}`, text })) : [];
      const answer = { position, completionId: `chatcmpl-${randomUUID()}`, calls };
      const message =
        calls.length > 0
          ? { role: 'assistant', content: null, tool_calls: calls.map((call) => ({ id: call.id, type: 'function', function: { name: 'notes__add', arguments: JSON.stringify({ text: call.text }) } })) }
          : { role: 'assistant', content: `Done: ${options.turnsWithCalls * options.calls} notes added.` };
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(
        JSON.stringify({
          id: answer.completionId,
          object: 'chat.completion',
          created: Math.floor(Date.now() / 1000),
          model: chat.model,
          choices: [{ index: 0, message, finish_reason: calls.length > 0 ? 'tool_calls' : 'stop' }],
          usage: { prompt_tokens: 50, completion_tokens: 10, total_tokens: 60 },
        }),
        () => {
          answers.push(answer);
          sent.emit('answer');
        },
      );
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    baseURL: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
    answers,
    invalid,
    async answered(count) {
      while (answers.length < count) await once(sent, 'answer');
    },
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
