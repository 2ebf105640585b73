// The messaging folder's public face: the bus port and its two adapters.
export type { Bus, BusMessage, ConsumeOptions, PublishOptions, RequestOptions, RespondOptions, ServiceDescription, Subscription } from './bus.port.ts';
export { createNatsBus, type NatsBusOptions } from './nats.bus.ts';
export { createMemoryBus, type MemoryBusOptions } from './memory.bus.ts';
export { createLeadership, type Leadership, type LeadershipOptions } from './nats.leadership.ts';
