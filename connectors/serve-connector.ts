// Puts a connector on the bus: it answers the tool calls sent to `tool.<connector>`, in this
// process (the in-process bus) or as its own process on NATS. Errors travel back with their code.
import type { Logger } from 'pino';
import { z } from 'zod';
import { CoworkersError, isCoworkersError, subjects, toolCallSchema } from '../protocol/index.ts';
import type { Bus, Subscription } from '../messaging/index.ts';
import type { Connector } from './connector-kit.ts';

export interface ServeConnectorOptions {
  bus: Bus;
  connector: Connector;
  logger: Logger;
}

export function serveConnector(options: ServeConnectorOptions): Promise<Subscription> {
  const { bus, connector } = options;
  const logger = options.logger.child({ connector: connector.name });
  const subject = subjects.tool(connector.name);
  return bus.respond(subject, async (data) => {
    const parsed = toolCallSchema.safeParse(data);
    if (!parsed.success) {
      throw new CoworkersError('COMMAND_INVALID', `The tool call on "${subject}" is not valid:\n${z.prettifyError(parsed.error)}`, {
        hint: 'Send tool calls with createToolClient(), which builds them from the ToolCall type.',
      });
    }
    const call = parsed.data;
    const where = { tool: call.tool, coworkerId: call.coworkerId, runId: call.runId, idempotencyKey: call.idempotencyKey };
    try {
      const result = await connector.call(call);
      logger.debug({ ...where, replayed: result.replayed }, 'Tool call answered');
      return result;
    } catch (error) {
      // A retryable failure is the service behind the connector being away: keep its cause here.
      if (isCoworkersError(error) && error.retryable) logger.warn({ ...where, err: error }, 'Tool call failed');
      throw error;
    }
  });
}
