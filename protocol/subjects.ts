// Subjects, relative to the bus prefix (the NATS adapter prepends it, e.g. "coworkers.v1.").
// Commands, events and triggers are durable (JetStream); `tool.*` subjects are request/reply.

export const subjects = {
  /** Commands addressed to one coworker. */
  command: (coworkerId: string) => `cmd.${coworkerId}`,
  allCommands: 'cmd.>',
  /** Events a coworker emits, by type. */
  event: (coworkerId: string, type: string) => `evt.${coworkerId}.${type}`,
  allEvents: 'evt.>',
  eventsOf: (coworkerId: string) => `evt.${coworkerId}.>`,
  /** Every coworker's audit events. */
  allAudit: 'evt.*.audit',
  /** Tool calls to one connector (request/reply). */
  tool: (connector: string) => `tool.${connector}`,
  /** Trigger events connectors emit, e.g. `trg.crm.deal.stale` (durable). */
  trigger: (event: string) => `trg.${event}`,
  allTriggers: 'trg.>',
} as const;

/** Default prefix: product name and protocol version, so a v2 can run beside a v1. */
export const DEFAULT_SUBJECT_PREFIX = 'coworkers.v1';
