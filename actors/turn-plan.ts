// From a model's reply to the calls a run works through. Every call gets an id the transcript
// answers it by, and a call that cannot run as proposed (arguments that are not JSON, a tool the
// model was not offered, arguments its schema refuses) carries the problem to tell the model,
// so a malformed turn is answered, never taken for a final answer.
import { Validator, type Schema } from '@cfworker/json-schema';
import { AIMessage } from '@langchain/core/messages';
import { fromModelToolName, toModelToolName } from '../protocol/index.ts';
import type { PlanItem } from './run-state.ts';

/** What a turn's calls are checked against. */
export interface TurnTools {
  /** The names the model was offered this turn (`crm.addNote`, `ask_manager`), to tell it what it can call. */
  offered: string[];
  /** JSON Schema of the arguments of every tool that exists, offered or not: one not offered is for the policy to refuse. */
  inputOf(tool: string): Record<string, unknown> | undefined;
}

type ProposedItem = Extract<PlanItem, { kind: 'proposed' }>;

const validators = new WeakMap<object, Validator>();

function schemaProblem(input: Record<string, unknown>, args: Record<string, unknown>): string | undefined {
  let validator = validators.get(input);
  if (!validator) validators.set(input, (validator = new Validator(input as Schema, '2020-12', false)));
  const { valid, errors } = validator.validate(args);
  if (valid) return undefined;
  // The innermost errors name the field; the outer ones only repeat that a subschema failed.
  const specific = errors.filter((error) => !errors.some((other) => other !== error && other.keywordLocation.startsWith(`${error.keywordLocation}/`)));
  return specific.map((error) => `${error.instanceLocation.replace(/^#/, '') || '(the arguments)'}: ${error.error}`).join('; ');
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function problemOf(call: { name: string; args: unknown; error: string | undefined; text: string | undefined }, tools: TurnTools): string | undefined {
  const name = call.name || 'this call';
  if (call.error !== undefined) return `the arguments of ${name} are not valid JSON (${call.error}): ${(call.text ?? '').slice(0, 300)}. Call it again with a JSON object.`;
  const input = tools.inputOf(fromModelToolName(call.name));
  if (!input) return `there is no tool "${name}". Your tools: ${tools.offered.map(toModelToolName).join(', ')}.`;
  if (!isPlainObject(call.args)) return `the arguments of ${name} must be a JSON object.`;
  const mismatch = schemaProblem(input, call.args);
  return mismatch && `the arguments of ${name} do not fit its schema: ${mismatch}. Fix them and call it again.`;
}

/**
 * The calls of one model turn, in the order the model gave them (the ones that could not be
 * parsed last), and the reply rewritten so that every call has a unique id and an object of
 * arguments: providers answer only calls that appear in the assistant message they are sent.
 */
export function planTurn(reply: AIMessage, tools: TurnTools, turn: number): { message: AIMessage; items: ProposedItem[] } {
  const raw = [
    ...(reply.tool_calls ?? []).map((call) => ({ id: call.id, name: call.name, args: call.args as unknown, error: undefined as string | undefined, text: undefined as string | undefined })),
    ...(reply.invalid_tool_calls ?? []).map((call) => ({ id: call.id, name: call.name ?? '', args: undefined as unknown, error: call.error ?? 'not valid JSON', text: call.args })),
  ];
  const ids = new Set<string>();
  const items = raw.map((call, index): ProposedItem => {
    let toolCallId = call.id || `call-${turn}-${index}`;
    if (ids.has(toolCallId)) toolCallId = `${toolCallId}-${index}`;
    ids.add(toolCallId);
    const tool = fromModelToolName(call.name);
    const args = isPlainObject(call.args) ? call.args : {};
    const problem = problemOf(call, tools);
    return { kind: 'proposed', toolCallId, tool, args, ...(problem ? { problem } : {}) };
  });
  const message = new AIMessage({
    content: reply.content,
    tool_calls: items.map((item, index) => ({ id: item.toolCallId, name: raw[index]!.name || 'unknown', args: item.args, type: 'tool_call' as const })),
    ...(reply.id ? { id: reply.id } : {}),
    ...(reply.usage_metadata ? { usage_metadata: reply.usage_metadata } : {}),
    response_metadata: reply.response_metadata,
  });
  return { message, items };
}
