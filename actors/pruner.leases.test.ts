// One pruner at a time among runtime processes: the holder of shard 0's lease, on the test
// nats-server, as cli/runtime.ts wires it; when it leaves, the process that takes shard 0 prunes.
import { connect } from '@nats-io/transport-node';
import { Kvm } from '@nats-io/kv';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createShardLeases, streamNameFor, type ShardLeases } from '../messaging/index.ts';
import { createFakeClock } from '../tests/fake-clock.ts';
import { waitFor } from '../tests/helpers.ts';
import { createPruner, type PrunableStore } from './pruner.ts';

const logger = pino({ level: 'silent' });
const HOUR = 3_600_000;
const retention = { audit: HOUR, executedKeys: HOUR, fires: HOUR, drafts: HOUR, chatPosts: HOUR };

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A store that counts the passes made on it. */
function countingStore(): PrunableStore & { passes: number } {
  const store = {
    passes: 0,
    prune: async () => {
      store.passes++;
      return { audit: 0, fires: 0, snapshots: 0 };
    },
    documents: { deleteOlderThan: async () => 0 },
  };
  return store;
}

describe('pruning in one runtime at a time', () => {
  it('only the holder of shard 0 prunes, and the next holder once it leaves', async () => {
    const connection = await connect({ servers: process.env.NATS_URL });
    const prefix = `pruner_${crypto.randomUUID().replaceAll('-', '').slice(0, 12)}.v2`;
    cleanups.push(async () => {
      await (await new Kvm(connection).open(`shards_${streamNameFor(prefix)}`).catch(() => null))?.destroy();
      await connection.close();
    });
    const members = await Promise.all(
      ['runtime-a', 'runtime-b'].map(async (member) => {
        const leases: ShardLeases = createShardLeases({ connection, prefix, member, ttlMs: 600, logger });
        await leases.start({ acquire: async () => {}, release: async () => {} });
        cleanups.push(() => leases.stop());
        const store = countingStore();
        const isPruner = () => leases.held().some((lease) => lease.shard === 0);
        return { leases, store, pruner: createPruner({ store, retention, clock: createFakeClock(Date.now()), logger, isPruner }) };
      }),
    );
    // Both members hold their share: every shard is held by exactly one of them.
    await waitFor(async () => members.every((member) => member.leases.held().length > 0) && members.flatMap((member) => member.leases.held()).length === 32, 'the shards shared by both');

    const results = await Promise.all(members.map((member) => member.pruner.pruneOnce()));
    const holder = members.findIndex((member) => member.leases.held().some((lease) => lease.shard === 0));
    const other = members[1 - holder]!;
    expect(members.map((member) => member.store.passes)).toEqual(holder === 0 ? [1, 0] : [0, 1]);
    expect(results[1 - holder]).toBeNull();

    await members[holder]!.leases.stop();
    await waitFor(async () => other.leases.held().some((lease) => lease.shard === 0), 'shard 0 taken over');
    await other.pruner.pruneOnce();
    expect(other.store.passes).toBe(1);
  });
});
