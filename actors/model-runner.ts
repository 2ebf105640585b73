// A task runner that asks the chat model to answer the task in the coworker's role. Tools,
// approvals and budgets around the model come with the work loop; this is its first step.
import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import { HumanMessage, SystemMessage } from '@langchain/core/messages';
import type { TaskNote } from '../machines/index.ts';
import type { RunContext, TaskRunner } from './task-runner.ts';

function systemPrompt({ definition, task }: RunContext): string {
  const job = task.jobId ? definition.jobs.find((candidate) => candidate.id === task.jobId) : undefined;
  return [
    `You are ${definition.name}, ${definition.role} on the ${definition.team} team. You report to ${definition.manager.name}.`,
    'Answer the task below briefly and concretely, as a teammate would in Slack.',
    job ? `This task is a run of your job "${job.id}":\n${job.instructions}` : '',
  ]
    .filter(Boolean)
    .join('\n\n');
}

function describeNote(note: TaskNote): string {
  return note.kind === 'answer'
    ? `${note.by} answered your question: ${note.answer}`
    : `${note.by} ${note.decision} approval ${note.approvalId}${note.reason ? `: ${note.reason}` : ''}`;
}

export function createModelRunner(options: { model: BaseChatModel }): TaskRunner {
  return async (context) => {
    const messages = [new SystemMessage(systemPrompt(context)), ...context.notes.map((note) => new HumanMessage(describeNote(note))), new HumanMessage(context.task.text)];
    const reply = await options.model.invoke(messages, { signal: context.signal });
    const summary = typeof reply.content === 'string' ? reply.content : reply.content.map((part) => ('text' in part ? part.text : '')).join('');
    return { kind: 'done', summary: summary.trim() || '(the model returned no text)' };
  };
}
