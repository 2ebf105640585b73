// Puts a connector on the bus: it answers the tool calls sent to `tool.<connector>`, in this
// process (the in-process bus) or as a NATS micro-service of its own, and publishes the trigger
// events its background work notices. It checks, on its own side, that a call which is not a read
// carries a grant signed by a runtime it trusts for exactly this call, and that the calling
// coworker is granted the tool (so a caller that skips the runtime is refused too), and runs each
// idempotency key of a tool with side effects once, remembered in the store. A result has the
// secrets the process knows replaced by their names before it is stored or returned: the runner
// hands it to the model, so a secret a tool echoes never leaves the process through the LLM.
import type { Logger } from 'pino';
import { z } from 'zod';
import { CoworkersError, PROTOCOL_VERSION, canonicalJson, grantProblem, isCoworkersError, sha256, subjects, toolCallSchema, type ToolCall, type TrustedKeys } from '../protocol/index.ts';
import type { Bus, Subscription } from '../messaging/index.ts';
import type { Documents } from '../persistence/index.ts';
import { noScrubber, type Scrubber } from '../protocol/scrubber.ts';
import type { Connector } from './connector-kit.ts';
import { createExecutedKeys } from './executed-keys.ts';

/** The tools a coworker is granted, or null for an unknown coworker. */
export type GrantLookup = (coworkerId: string) => Promise<readonly string[] | null>;

export interface ServeConnectorOptions {
  bus: Bus;
  connector: Connector;
  /** Where executed keys are remembered across restarts and instances. */
  documents: Documents;
  grants: GrantLookup;
  /** The runtimes whose signed grants it takes: a call that is not a read runs only under one. */
  trust: Pick<TrustedKeys, 'runtimes'>;
  logger: Logger;
  /** Replaces the secrets the process knows in every result, before it is stored or answered. */
  scrubber?: Scrubber;
}

/** The version services announce in discovery. */
const SERVICE_VERSION = '0.1.0';

export async function serveConnector(options: ServeConnectorOptions): Promise<Subscription> {
  const { bus, connector, grants } = options;
  const logger = options.logger.child({ connector: connector.name });
  const subject = subjects.tool(connector.name);
  const { scrub, scrubText } = options.scrubber ?? noScrubber;
  const executedKeys = createExecutedKeys(options.documents);
  /** The result, or the failure, as the caller and the store may see it: a service's error text can quote a secret too. */
  const run = async (call: ToolCall) => {
    try {
      return scrub(await connector.call(call));
    } catch (error) {
      if (!(error instanceof Error) || scrubText(error.message) === error.message) throw error;
      if (!isCoworkersError(error)) throw new Error(scrubText(error.message));
      throw new CoworkersError(error.code, scrubText(error.message), { retryable: error.retryable, ...(error.hint ? { hint: scrubText(error.hint) } : {}) });
    }
  };
  const readOnly = new Set(connector.specs.filter((spec) => spec.risk === 'read').map((spec) => spec.name));

  /** A call without a valid grant is refused before anything runs or any key is claimed, and logged: someone tried. */
  function refused(call: { coworkerId?: unknown; tool?: unknown; runId?: unknown; idempotencyKey?: unknown }, problem: string): CoworkersError {
    logger.warn({ coworkerId: call.coworkerId, tool: call.tool, runId: call.runId, idempotencyKey: call.idempotencyKey, reason: problem }, 'Tool call refused: no valid grant');
    return new CoworkersError('GRANT_INVALID', `The ${connector.name} connector refused ${String(call.tool)} for "${String(call.coworkerId)}": ${problem}. Nothing was run.`, {
      hint: "Only a runtime calls tools that are not reads, each call under a grant it signs; check that this connector trusts the runtime's key (COWORKERS_TRUST_FILE).",
    });
  }

  function assertValidGrant(call: ToolCall): void {
    // Reads change nothing, so they need no grant.
    if (readOnly.has(call.tool)) return;
    const problem = grantProblem(call, options.trust.runtimes);
    if (problem) throw refused(call, problem);
  }

  async function assertGranted(call: ToolCall): Promise<void> {
    const granted = await grants(call.coworkerId);
    if (granted?.includes(call.tool)) return;
    const who = granted ? `Coworker "${call.coworkerId}" is not granted ${call.tool}` : `There is no coworker "${call.coworkerId}"`;
    throw new CoworkersError('TOOL_NOT_GRANTED', `${who}; the ${connector.name} connector refused the call and executed nothing.`, {
      hint: `Grant the tool in the coworker's definition (tools: [${call.tool}]) if it should have it.`,
    });
  }

  const subscription = await bus.respond(
    subject,
    async (data) => {
      const parsed = toolCallSchema.safeParse(data);
      if (!parsed.success && parsed.error.issues.some((issue) => issue.path[0] === 'approval')) {
        const { coworkerId, tool } = (data ?? {}) as Partial<ToolCall>;
        throw refused({ coworkerId, tool }, `the grant is not a signed grant (${z.prettifyError(parsed.error).replaceAll('\n', ' ')})`);
      }
      if (!parsed.success) {
        throw new CoworkersError('COMMAND_INVALID', `The tool call on "${subject}" is not valid:\n${z.prettifyError(parsed.error)}`, {
          hint: 'Send tool calls with createToolClient(), which builds them from the ToolCall type.',
        });
      }
      const call = parsed.data;
      const where = { tool: call.tool, coworkerId: call.coworkerId, runId: call.runId, idempotencyKey: call.idempotencyKey };
      try {
        assertValidGrant(call);
        await assertGranted(call);
        // Reads have no side effect to repeat; remembering them would only fill the store.
        const result = readOnly.has(call.tool)
          ? await run(call)
          : await executedKeys.once(connector.name, call.idempotencyKey, fingerprintOf(call), () => run(call));
        logger.debug({ ...where, replayed: result.replayed }, 'Tool call answered');
        return result;
      } catch (error) {
        if (!isCoworkersError(error) || error.retryable) logger.warn({ ...where, err: error }, 'Tool call failed');
        else if (error.code !== 'GRANT_INVALID') logger.info({ ...where, code: error.code }, 'Tool call refused');
        throw error;
      }
    },
    {
      service: {
        name: `coworkers-${connector.name}`,
        version: SERVICE_VERSION,
        description: connector.description,
        metadata: { connector: connector.name, tools: connector.specs.map((spec) => spec.name).join(','), events: connector.events.map((event) => event.name).join(',') },
      },
    },
  );
  const stopBackground = await connector
    .start({
      logger,
      emit: (event, eventData, id) => bus.publish(subjects.trigger(event), { v: PROTOCOL_VERSION, id, event, data: scrub(eventData), at: Date.now() }, { msgId: `${event}:${id}` }),
    })
    .catch(async (error: unknown) => {
      await subscription.stop();
      throw error;
    });
  return {
    async stop() {
      await stopBackground();
      await subscription.stop();
    },
  };
}

/** Who calls what with which arguments: one key may only ever mean one call. */
function fingerprintOf(call: ToolCall): string {
  return sha256(canonicalJson({ coworker: call.coworkerId, tool: call.tool, args: call.args }));
}
