// The chat model used when no LLM endpoint is configured (the offline demo): it answers from a
// script, and every answer says so, so nobody mistakes it for a real model.
import { SimpleChatModel } from '@langchain/core/language_models/chat_models';
import type { BaseMessage } from '@langchain/core/messages';

const SCRIPTED_LABEL = '[scripted model: no LLM configured, set OPENAI_API_KEY or OPENAI_BASE_URL]';

function text(message: BaseMessage | undefined): string {
  return typeof message?.content === 'string' ? message.content : JSON.stringify(message?.content ?? '');
}

export class ScriptedChatModel extends SimpleChatModel {
  override _llmType(): string {
    return 'scripted';
  }

  override async _call(messages: BaseMessage[]): Promise<string> {
    const persona = /^You are ([^,]+),/.exec(text(messages[0]))?.[1] ?? 'The coworker';
    const task = text(messages.findLast((message) => message.getType() === 'human'));
    return `${SCRIPTED_LABEL} ${persona} received: "${task}". With a real model configured, this is where the answer would be.`;
  }
}
