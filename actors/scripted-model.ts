// The chat model used when no LLM endpoint is configured (the offline demo) and in tests: it
// plays a written playbook per job, turn by turn, and labels everything it writes, so nobody
// mistakes it for a real model. It proposes tool calls like a real model would; the runtime
// classifies and gates them the same way.
import { BaseChatModel, type BaseChatModelParams } from '@langchain/core/language_models/chat_models';
import { AIMessage, type BaseMessage } from '@langchain/core/messages';
import type { ChatResult } from '@langchain/core/outputs';
import { toModelToolName } from '../protocol/index.ts';

export const SCRIPTED_LABEL = '[scripted model: no LLM configured, set OPENAI_API_KEY or OPENAI_BASE_URL]';

export interface ScriptedCall {
  tool: string;
  args: Record<string, unknown>;
}

/** One model turn: tool calls to propose, or the final answer. */
export type ScriptedTurn = { calls: ScriptedCall[] } | { text: string };

/** What a playbook sees of the conversation so far. */
export interface Conversation {
  persona: string;
  jobId: string | undefined;
  task: string;
  /** 0 for the first model turn of the run. */
  turn: number;
  /** The tool results (and people's replies) since the model's last turn, as text. */
  latest: string[];
  /** Every tool result of the run so far, oldest first. */
  results: string[];
}

export type Playbook = (conversation: Conversation) => ScriptedTurn;

export interface ScriptedChatModelParams extends BaseChatModelParams {
  /** By job id; a task that is not a job run (or a job without a playbook) gets `fallback`. */
  playbooks?: Record<string, Playbook>;
  fallback?: Playbook;
}

function text(message: BaseMessage | undefined): string {
  return typeof message?.content === 'string' ? message.content : JSON.stringify(message?.content ?? '');
}

const answerTheTask: Playbook = ({ persona, task }) => ({
  text: `${persona} received: "${task}". With a real model configured, this is where the answer would be.`,
});

function conversationOf(messages: BaseMessage[]): Conversation {
  const system = text(messages[0]);
  const lastAi = messages.findLastIndex((message) => message.getType() === 'ai');
  return {
    persona: /^You are ([^,]+),/.exec(system)?.[1] ?? 'The coworker',
    jobId: /^Job: (\S+)$/m.exec(system)?.[1],
    task: text(messages.find((message) => message.getType() === 'human')),
    turn: messages.filter((message) => message.getType() === 'ai').length,
    latest: messages.slice(lastAi + 1).filter((message) => message.getType() !== 'system').map(text),
    results: messages.filter((message) => message.getType() === 'tool').map(text),
  };
}

export class ScriptedChatModel extends BaseChatModel {
  private readonly params: ScriptedChatModelParams;

  constructor(params: ScriptedChatModelParams = {}) {
    super(params);
    this.params = params;
  }

  override _llmType(): string {
    return 'scripted';
  }

  // The playbook decides which tools to propose; binding only has to return a model.
  override bindTools(): this {
    return this;
  }

  override async _generate(messages: BaseMessage[]): Promise<ChatResult> {
    const conversation = conversationOf(messages);
    const playbook = (conversation.jobId && this.params.playbooks?.[conversation.jobId]) || this.params.fallback || answerTheTask;
    const turn = playbook(conversation);
    const content = 'text' in turn ? `${SCRIPTED_LABEL} ${turn.text}` : SCRIPTED_LABEL;
    const toolCalls = 'calls' in turn ? turn.calls.map((call, index) => ({ id: `scripted-${conversation.turn}-${index}`, name: toModelToolName(call.tool), args: call.args, type: 'tool_call' as const })) : [];
    // A rough count (4 characters a token) so budgets work offline; labelled in the metadata.
    const inputTokens = Math.ceil(messages.reduce((sum, message) => sum + text(message).length, 0) / 4);
    const outputTokens = Math.ceil((content.length + JSON.stringify(toolCalls).length) / 4);
    const message = new AIMessage({
      content,
      tool_calls: toolCalls,
      usage_metadata: { input_tokens: inputTokens, output_tokens: outputTokens, total_tokens: inputTokens + outputTokens },
      response_metadata: { model_name: 'scripted', scripted: true },
    });
    return { generations: [{ text: content, message }] };
  }
}
