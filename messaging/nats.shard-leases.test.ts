// Shard leases among runtime processes, against the test nats-server: every shard is held by
// exactly one member, a joining member takes its share, and a silent member's shards move.
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { Kvm } from '@nats-io/kv';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { ALL_SHARDS, SHARD_COUNT } from '../protocol/index.ts';
import { waitFor } from '../tests/helpers.ts';
import { createShardLeases, wantedOwner, type ShardLeases } from './nats.shard-leases.ts';
import { streamNameFor } from './nats.stream.ts';

const logger = pino({ level: 'silent' });
const TTL_MS = 600;
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function connection(): Promise<NatsConnection> {
  const nc = await connect({ servers: process.env.NATS_URL });
  cleanups.push(async () => {
    if (!nc.isClosed()) await nc.close();
  });
  return nc;
}

/** A member and what its host was told: the shards it hosts now (with fences) and every fence it was given. */
async function member(nc: NatsConnection, prefix: string, name: string) {
  const hosting = new Map<number, number>();
  const fences: Array<{ shard: number; fence: number }> = [];
  const leases: ShardLeases = createShardLeases({ connection: nc, prefix, member: name, ttlMs: TTL_MS, logger });
  await leases.start({
    acquire: async (taken) => {
      for (const lease of taken) {
        expect(hosting.has(lease.shard)).toBe(false);
        hosting.set(lease.shard, lease.fence);
        fences.push(lease);
      }
    },
    release: async (shards) => {
      for (const shard of shards) hosting.delete(shard);
    },
  });
  cleanups.push(() => leases.stop());
  return { name, hosting, fences, leases };
}

async function uniquePrefix(): Promise<string> {
  const prefix = `shards_${crypto.randomUUID().replaceAll('-', '').slice(0, 12)}.v1`;
  const admin = await connection();
  cleanups.push(async () => {
    const kv = await new Kvm(admin).open(`shards_${streamNameFor(prefix)}`).catch(() => null);
    await kv?.destroy();
  });
  return prefix;
}

type Member = Awaited<ReturnType<typeof member>>;

/** Every shard hosted by exactly one of `members`, each holding what rendezvous hashing gives it. */
function settled(members: Member[]): boolean {
  const owners = ALL_SHARDS.map((shard) => members.filter((m) => m.hosting.has(shard)).length);
  return owners.every((count) => count === 1) && members.every((m) => m.hosting.size > 0);
}

describe('shard leases on NATS', () => {
  it('spreads the shards over the members, each on exactly one, and rebalances when one joins', async () => {
    const prefix = await uniquePrefix();
    const one = await member(await connection(), prefix, 'one');
    expect(one.hosting.size).toBe(SHARD_COUNT); // alone: everything
    const two = await member(await connection(), prefix, 'two');
    await waitFor(async () => settled([one, two]), 'two members to share the shards', TTL_MS * 10);
    const three = await member(await connection(), prefix, 'three');
    // Each ends with the shards rendezvous hashing gives it, so every member computes the same owners.
    const keys = [one, two, three].map((m) => `member.${Buffer.from(m.name).toString('base64url')}`);
    const wanted = (index: number) => ALL_SHARDS.filter((shard) => wantedOwner(shard, keys) === keys[index]).join();
    const byHash = async () => [one, two, three].every((m, index) => [...m.hosting.keys()].sort((a, b) => a - b).join() === wanted(index));
    await waitFor(byHash, 'three members to share the shards', TTL_MS * 10);
    expect(settled([one, two, three])).toBe(true);
  });

  it('hands everything to the others at once on a clean stop', async () => {
    const prefix = await uniquePrefix();
    const one = await member(await connection(), prefix, 'one');
    const two = await member(await connection(), prefix, 'two');
    await waitFor(async () => settled([one, two]), 'two members to share the shards', TTL_MS * 10);
    await one.leases.stop();
    expect(one.hosting.size).toBe(0);
    await waitFor(async () => two.hosting.size === SHARD_COUNT, 'the other member to take every shard', TTL_MS * 3);
  });

  it('moves a silent member\'s shards to the survivors, with higher fences', async () => {
    const prefix = await uniquePrefix();
    const silentConnection = await connection();
    const silent = await member(silentConnection, prefix, 'silent');
    const survivor = await member(await connection(), prefix, 'survivor');
    await waitFor(async () => settled([silent, survivor]), 'two members to share the shards', TTL_MS * 10);
    const lost = new Map(silent.hosting);
    await silentConnection.close(); // as a crash: no renewal, no goodbye
    await waitFor(async () => survivor.hosting.size === SHARD_COUNT, 'the survivor to take every shard', TTL_MS * 10);
    for (const [shard, fence] of lost) expect(survivor.hosting.get(shard)).toBeGreaterThan(fence);
  });
});
