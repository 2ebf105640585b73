// The messaging folder's public face: the bus port and its two adapters.
export type { Bus, BusMessage, ConsumeOptions, PublishOptions, ReadOptions, RequestOptions, RespondOptions, ServiceDescription, StoredMessage, Subscription } from './bus.port.ts';
export { createNatsBus, type NatsBusOptions } from './nats.bus.ts';
export { createMemoryBus, type MemoryBusOptions } from './memory.bus.ts';
export { streamNameFor } from './nats.stream.ts';
export { createShardLeases, readShardMap, wantedOwner, type MemberAnnouncement, type ShardHandlers, type ShardLease, type ShardLeases, type ShardLeasesOptions } from './nats.shard-leases.ts';
export { deadLetter, readDeadLetters, type DeadLetterInput, type DeadLetterListing } from './dead-letters.ts';
