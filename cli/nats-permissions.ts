// What each service kind may publish and subscribe to on NATS: the authorization block of the
// server config `coworkers nats-config` writes. Checked against a real nats-server
// (tests/nats-config.test.ts); every subject not listed is refused by the server itself.
import { streamNameFor } from '../messaging/index.ts';

export interface RolePermissions {
  publish: string[];
  subscribe: string[];
  /** May answer requests it received (tool calls, micro-service discovery), on their reply subject only. */
  allowResponses: boolean;
}

/** Command kinds, as in `P.cmd.<kind>.<shard>.<coworker>`. */
const GATEWAY_COMMANDS = ['task', 'cancel', 'decision', 'answer', 'reassign', 'assign'] as const;
const OPERATOR_COMMANDS = [...GATEWAY_COMMANDS, 'definition'] as const;
const RUNTIME_COMMANDS = ['task', 'handoff'] as const;

/**
 * The durable consumers the chat gateways read events with (gateway/slack/slack-gateway.ts,
 * gateway/teams/teams-gateway.ts). Named one by one: with any name, a gateway could pull (and
 * ack away) a runtime's shard commands, or change the filter of its consumer.
 */
export const GATEWAY_DURABLES = ['slack-approvals', 'slack-decisions', 'slack-messages', 'teams-approvals', 'teams-decisions', 'teams-messages'] as const;

/** A NATS micro-service's discovery subjects ($SRV.PING|INFO|STATS[.name[.id]]) for one service name. */
function serviceDiscovery(name: string): string[] {
  return ['$SRV.*', `$SRV.*.${name}`, `$SRV.*.${name}.*`];
}

/** Checking that the stream exists, which is all a bus that does not manage it does. */
function streamCheck(stream: string): string[] {
  return ['$JS.API.INFO', `$JS.API.STREAM.INFO.${stream}`];
}

export function runtimePermissions(prefix: string): RolePermissions {
  const stream = streamNameFor(prefix);
  return {
    publish: [
      ...RUNTIME_COMMANDS.map((kind) => `${prefix}.cmd.${kind}.>`),
      `${prefix}.evt.>`,
      `${prefix}.tool.>`,
      `${prefix}.dlq.>`,
      // Connectors served inside the runtime (without --external-connectors) emit their triggers from here.
      `${prefix}.trg.>`,
      // It creates and updates the stream and its consumers, and keeps the shard leases (a KV bucket).
      '$JS.API.>',
      '$JS.ACK.>',
      // Flow control of the ordered consumer that watches the leases.
      '$JS.FC.>',
      `$KV.shards_${stream}.>`,
    ],
    subscribe: ['_INBOX.>', `${prefix}.evt.>`, `${prefix}.tool.>`, '$SRV.>'],
    allowResponses: true,
  };
}

export function gatewayPermissions(prefix: string): RolePermissions {
  const stream = streamNameFor(prefix);
  return {
    publish: [
      ...GATEWAY_COMMANDS.map((kind) => `${prefix}.cmd.${kind}.>`),
      ...streamCheck(stream),
      // Its own durable consumers, filtered on events only: the filter is part of the API subject.
      ...GATEWAY_DURABLES.flatMap((durable) => [
        `$JS.API.CONSUMER.CREATE.${stream}.${durable}.${prefix}.evt.>`,
        `$JS.API.CONSUMER.INFO.${stream}.${durable}`,
        `$JS.API.CONSUMER.MSG.NEXT.${stream}.${durable}`,
        `$JS.ACK.${stream}.${durable}.>`,
      ]),
    ],
    // The Slack gateway serves the slack connector's tools (slack.post) as a micro-service.
    subscribe: ['_INBOX.>', `${prefix}.evt.>`, `${prefix}.tool.slack`, ...serviceDiscovery('coworkers-slack')],
    allowResponses: true,
  };
}

export function operatorPermissions(prefix: string): RolePermissions {
  return {
    // The operator's commands, and the whole JetStream API: it may repair or remove the stream,
    // read the dead letters and the shard map, and list the connectors (`nats micro ls`: $SRV).
    // It writes no events, tool calls or triggers.
    publish: [...OPERATOR_COMMANDS.map((kind) => `${prefix}.cmd.${kind}.>`), '$JS.API.>', '$JS.ACK.>', '$JS.FC.>', '$SRV.>'],
    subscribe: ['_INBOX.>', `${prefix}.evt.>`, `${prefix}.dlq.>`],
    allowResponses: false,
  };
}

export function connectorPermissions(prefix: string, name: string): RolePermissions {
  return {
    publish: [`${prefix}.trg.${name}.>`, ...streamCheck(streamNameFor(prefix))],
    subscribe: ['_INBOX.>', `${prefix}.tool.${name}`, ...serviceDiscovery(`coworkers-${name}`)],
    allowResponses: true,
  };
}
