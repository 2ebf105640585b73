// The connector kit: a connector declares each tool once (description, risk, zod input, run) and
// gets the specs the runtime shows the model, plus a `call` that treats every request the same
// way: a known tool, valid arguments, one run per idempotency key. Whether the call may run at all
// (its signed grant, the coworker's grant of the tool) is checked before it, by serveConnector.
import type { Logger } from 'pino';
import { z } from 'zod';
import {
  CoworkersError,
  canonicalJson,
  isCoworkersError,
  sha256,
  toolSpecSchema,
  type ToolCall,
  type ToolResult,
  type ToolRisk,
  type ToolSpec,
} from '../protocol/index.ts';
import { createIdempotencyMemory } from './idempotency-memory.ts';

/** Keys remembered per connector; see idempotency-memory.ts for what forgetting means. */
const REMEMBERED_KEYS = 10_000;

export interface ToolContext {
  coworkerId: string;
  runId: string;
  idempotencyKey: string;
}

export interface ToolDefinition<Input extends z.ZodObject = z.ZodObject> {
  description: string;
  /** The connector's declaration; the runtime gates calls by it, the model never sees it. */
  risk: ToolRisk;
  /** What the connector's credentials must allow for this tool (e.g. HubSpot's `crm.objects.deals.write`); listed by `coworkers tools`. */
  scopes?: string[];
  /** The arguments. The model sees them as JSON Schema, so `.describe()` fields it could get wrong. */
  input: Input;
  /**
   * The arguments an approver must see whole, first: recipients, amounts, the records it changes
   * or deletes (their ids). Well-known recipient and amount names count without it (`consequentialArgs`).
   */
  consequential?: ReadonlyArray<keyof z.input<Input> & string>;
  /** Does the work. Throw a CoworkersError to say exactly what went wrong; anything else means the service is away. */
  run(args: z.output<Input>, context: ToolContext): Promise<unknown>;
}

/** A trigger event a connector emits, e.g. `crm.deal.stale`; jobs start on it with `triggers`. */
export interface EventSpec {
  name: string;
  description: string;
}

/** What a connector's background work (pollers, listeners, timers) gets when it starts. */
export interface ConnectorContext {
  /**
   * Publishes the trigger event `trg.<event>`. The id must be the same each time the same thing
   * is noticed (a deal id and its last activity, a message id): repeats are then dropped, also
   * when two instances of the connector poll the same source.
   */
  emit(event: string, data: Record<string, unknown>, id: string): Promise<void>;
  logger: Logger;
}

export interface Connector<Name extends string = string> {
  readonly name: Name;
  readonly description: string;
  readonly specs: readonly ToolSpec[];
  readonly scopes: Readonly<Record<string, readonly string[]>>;
  readonly events: readonly EventSpec[];
  call(call: ToolCall): Promise<ToolResult>;
  /** Starts the background work that emits events; the returned function stops it. */
  start(context: ConnectorContext): Promise<() => Promise<void>>;
}

export interface ConnectorDefinition<Name extends string, Inputs extends Record<string, z.ZodObject>> {
  /** The first part of every tool name, and of the subject the connector answers on. */
  name: Name;
  /** One line for `coworkers tools` and service discovery. */
  description: string;
  /** By operation: `{ post: … }` in the `slack` connector is the tool `slack.post`. */
  tools: { [Operation in keyof Inputs]: ToolDefinition<Inputs[Operation]> };
  /** The trigger events it emits, by full name. */
  events?: Record<string, string>;
  /** Background work that emits events; returns how to stop it. */
  start?(context: ConnectorContext): Promise<() => Promise<void>>;
}

export function defineConnector<Name extends string, Inputs extends Record<string, z.ZodObject>>(
  definition: ConnectorDefinition<Name, Inputs>,
): Connector<Name> {
  const { name } = definition;
  const tools = new Map<string, ToolDefinition>(Object.entries(definition.tools));
  const specs = [...tools].map(([operation, tool]) => specOf(`${name}.${operation}`, tool));
  const memory = createIdempotencyMemory({ limit: REMEMBERED_KEYS });

  function toolFor(toolName: string): ToolDefinition {
    const tool = toolName.startsWith(`${name}.`) ? tools.get(toolName.slice(name.length + 1)) : undefined;
    if (tool) return tool;
    throw new CoworkersError('TOOL_UNKNOWN', `The ${name} connector has no tool "${toolName}"; it offers ${specs.map((spec) => spec.name).join(', ')}.`, {
      hint: 'Call one of the tools listed, spelled exactly as listed.',
    });
  }

  const events = Object.entries(definition.events ?? {}).map(([event, description]) => ({ name: event, description }));
  for (const event of events) {
    if (!event.name.startsWith(`${name}.`)) throw new Error(`The ${name} connector's event "${event.name}" must start with "${name}.".`);
  }
  const declared = new Set(events.map((event) => event.name));
  return {
    name,
    description: definition.description,
    specs,
    scopes: Object.fromEntries([...tools].map(([operation, tool]) => [`${name}.${operation}`, tool.scopes ?? []])),
    events,
    async start(context) {
      if (!definition.start) return async () => {};
      return definition.start({
        logger: context.logger,
        emit(event, data, id) {
          if (!declared.has(event)) throw new Error(`The ${name} connector emitted "${event}", which it does not declare in \`events\`.`);
          return context.emit(event, data, id);
        },
      });
    },
    async call(call) {
      const tool = toolFor(call.tool);
      const args = parseArgs(call.tool, tool.input, call.args);
      const context = { coworkerId: call.coworkerId, runId: call.runId, idempotencyKey: call.idempotencyKey };
      const fingerprint = sha256(canonicalJson({ coworker: call.coworkerId, tool: call.tool, args: call.args }));
      return memory.once(call.idempotencyKey, fingerprint, () => runTool(call.tool, tool, args, context));
    },
  };
}

function specOf(name: string, tool: ToolDefinition): ToolSpec {
  // The model needs the shape of the arguments, not the JSON Schema dialect.
  const { $schema: _dialect, ...input } = z.toJSONSchema(tool.input, { io: 'input' });
  const spec = { name, description: tool.description, risk: tool.risk, input, ...(tool.consequential && { consequential: [...tool.consequential] }) };
  const unknown = tool.consequential?.filter((argument) => !Object.hasOwn((input.properties ?? {}) as object, argument)) ?? [];
  if (unknown.length > 0) throw new Error(`The tool "${name}" declares consequential arguments it does not take: ${unknown.join(', ')}.`);
  const checked = toolSpecSchema.safeParse(spec);
  if (!checked.success) throw new Error(`The tool "${name}" is not declared correctly:\n${z.prettifyError(checked.error)}`);
  return checked.data;
}

function parseArgs(toolName: string, input: z.ZodObject, args: Record<string, unknown>): z.output<z.ZodObject> {
  const parsed = input.safeParse(args);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => `${issue.path.length ? issue.path.join('.') : 'arguments'}: ${issue.message}`);
  throw new CoworkersError('TOOL_FAILED', `${toolName} got invalid arguments (${problems.join('; ')}); nothing was executed.`, {
    hint: `Fix the arguments named and call ${toolName} again; its input schema lists every field.`,
  });
}

async function runTool(toolName: string, tool: ToolDefinition, args: z.output<z.ZodObject>, context: ToolContext): Promise<unknown> {
  try {
    // `undefined` has no JSON form; a tool that returns nothing answers null.
    return (await tool.run(args, context)) ?? null;
  } catch (error) {
    if (isCoworkersError(error)) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw new CoworkersError('TOOL_FAILED', `${toolName} failed: ${reason}`, {
      retryable: true,
      hint: 'The service behind the connector may be away; the call can be retried with the same idempotency key.',
      cause: error,
    });
  }
}
