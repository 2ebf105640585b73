// Which runtime process hosts which shard of coworkers: a JetStream KV entry per shard that
// expires unless its holder renews it, and one per live process. Every process computes the same
// wanted owner for each shard by rendezvous hashing over the live processes, takes the free shards
// it wants, and hands back the ones another process now wants (a process joined: rebalancing).
// A process that dies stops renewing; its entries expire and the survivors take its shards.
//
// The KV revision of a shard's entry when it was taken is the holder's fencing token: a later
// holder always gets a higher one, and the store refuses snapshot writes with a lower token than
// the newest it has, so a holder that lost its lease without noticing cannot overwrite its successor.
import { createHash } from 'node:crypto';
import { jetstreamManager } from '@nats-io/jetstream';
import { Kvm, type KV } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Logger } from 'pino';
import { ALL_SHARDS, DEFAULT_SUBJECT_PREFIX } from '../protocol/index.ts';
import { streamNameFor } from './nats.stream.ts';

const DEFAULT_TTL_MS = 5_000;
/** How often leases are renewed and ownership recomputed, as a fraction of the TTL. */
const TICKS_PER_TTL = 5;

export interface ShardLease {
  shard: number;
  /** Grows from one holder of the shard to the next. */
  fence: number;
}

export interface ShardHandlers {
  /** Start hosting these shards; the lease is held while this runs and after. */
  acquire(leases: ShardLease[]): Promise<void>;
  /** Stop hosting them (flush, stop consuming); their leases are given up after it resolves. */
  release(shards: number[]): Promise<void>;
}

export interface ShardLeases {
  start(handlers: ShardHandlers): Promise<void>;
  /** Releases every held shard and gives the leases up, so others take over at once. */
  stop(): Promise<void>;
  /** Shards held now, with their fencing tokens. */
  held(): ShardLease[];
}

/** What each member says in its entry: who it is and the shards it hosts now. */
export interface MemberAnnouncement {
  member: string;
  shards: number[];
}

function bucketFor(prefix: string | undefined): string {
  return `shards_${streamNameFor(prefix ?? DEFAULT_SUBJECT_PREFIX)}`;
}

/** The live members of a deployment and the shards each hosts, as they last announced (within a fifth of the TTL); none before any runtime started. */
export async function readShardMap(options: { connection: NatsConnection; prefix?: string }): Promise<MemberAnnouncement[]> {
  const jsm = await jetstreamManager(options.connection);
  const exists = await jsm.streams.info(`KV_${bucketFor(options.prefix)}`).then(() => true, () => false);
  if (!exists) return [];
  const kv = await new Kvm(options.connection).open(bucketFor(options.prefix));
  const members: MemberAnnouncement[] = [];
  for await (const key of await kv.keys('member.>')) {
    const entry = await kv.get(key);
    if (entry && entry.operation === 'PUT') members.push(entry.json<MemberAnnouncement>());
  }
  return members.sort((a, b) => a.member.localeCompare(b.member));
}

export interface ShardLeasesOptions {
  connection: NatsConnection;
  /** Processes of one deployment (one subject prefix) share the shards. */
  prefix?: string;
  /** This process, e.g. "host:pid"; shown in the bucket. */
  member: string;
  /** An entry not renewed for this long expires: a dead process's shards move within about this time. */
  ttlMs?: number;
  logger: Logger;
}

/** KV keys allow letters, digits and `-/_=.`; a member name like "host:1234" is encoded. */
function memberKey(member: string): string {
  return `member.${Buffer.from(member).toString('base64url')}`;
}

/** Rendezvous hashing: each shard goes to the member with the highest score; few shards move when members come and go. */
export function wantedOwner(shard: number, members: readonly string[]): string | undefined {
  let best: { member: string; score: string } | undefined;
  for (const member of members) {
    const score = createHash('sha256').update(`${shard}/${member}`).digest('hex');
    if (!best || score > best.score) best = { member, score };
  }
  return best?.member;
}

export function createShardLeases(options: ShardLeasesOptions): ShardLeases {
  const ttlMs = options.ttlMs ?? DEFAULT_TTL_MS;
  const bucket = bucketFor(options.prefix);
  const logger = options.logger.child({ component: 'shards', member: options.member });
  const me = memberKey(options.member);
  /** Held shards: the fence they were taken with and the entry's current revision. */
  const held = new Map<number, { fence: number; revision: number }>();
  /** Shards being handed back: still renewed until the host let go of them. */
  const releasing = new Set<number>();
  /** Shards the host has started and not begun to release: what this member announces. */
  const active = new Set<number>();
  let kv: KV | null = null;
  let handlers: ShardHandlers | null = null;
  let timer: NodeJS.Timeout | null = null;
  let ticking: Promise<void> | null = null;
  // Acquisitions and releases run one after another, beside the renewals.
  let transitions: Promise<void> = Promise.resolve();

  function transition(run: () => Promise<void>): Promise<void> {
    transitions = transitions.then(run).catch((error: unknown) => logger.error({ err: error }, 'shard hand-over failed'));
    return transitions;
  }

  /**
   * When each member's entry was last seen renewed, from one long-lived watch (listing the keys
   * every tick would make a consumer each time). An entry that expires sends nothing, so a
   * member not renewed for a TTL counts as gone, as its entry does.
   */
  const lastSeen = new Map<string, number>();
  let watching: { stop(): void } | null = null;

  async function watchMembers(store: KV): Promise<void> {
    // Seeded by one listing, so the first tick already knows the members that are there.
    for await (const key of await store.keys('member.>')) lastSeen.set(key, Date.now());
    const entries = await store.watch({ key: 'member.>' });
    watching = entries;
    void (async () => {
      for await (const entry of entries) {
        if (entry.operation === 'PUT') lastSeen.set(entry.key, Date.now());
        else lastSeen.delete(entry.key);
      }
    })();
  }

  function liveMembers(): string[] {
    const now = Date.now();
    return [...new Set([me, ...[...lastSeen].filter(([, at]) => now - at < ttlMs).map(([key]) => key)])];
  }

  async function renew(store: KV, shard: number): Promise<boolean> {
    const lease = held.get(shard)!;
    try {
      lease.revision = await store.update(`shard.${shard}`, options.member, lease.revision);
      return true;
    } catch (error) {
      held.delete(shard);
      active.delete(shard);
      logger.warn({ err: error, shard }, 'lost the lease of a shard: releasing it');
      void transition(() => handlers!.release([shard]));
      return false;
    }
  }

  function handBack(store: KV, shards: number[]): void {
    for (const shard of shards) {
      releasing.add(shard);
      active.delete(shard);
    }
    void transition(async () => {
      await handlers!.release(shards);
      for (const shard of shards) {
        const lease = held.get(shard);
        held.delete(shard);
        releasing.delete(shard);
        if (lease) await store.delete(`shard.${shard}`, { previousSeq: lease.revision }).catch((error: unknown) => logger.warn({ err: error, shard }, 'could not give a shard up; it expires on its own'));
      }
      logger.info({ shards }, 'handed shards back');
    });
  }

  async function tick(): Promise<void> {
    const store = kv;
    if (!store || !handlers) return;
    const announcement: MemberAnnouncement = { member: options.member, shards: [...active].sort((a, b) => a - b) };
    await store.put(me, JSON.stringify(announcement));
    const members = liveMembers();
    for (const shard of [...held.keys()]) {
      if (!(await renew(store, shard)) || releasing.has(shard)) continue;
      if (wantedOwner(shard, members) !== me) handBack(store, [shard]);
    }
    const taken: ShardLease[] = [];
    for (const shard of ALL_SHARDS) {
      if (held.has(shard) || wantedOwner(shard, members) !== me) continue;
      try {
        const revision = await store.create(`shard.${shard}`, options.member);
        held.set(shard, { fence: revision, revision });
        taken.push({ shard, fence: revision });
      } catch {
        // Still held by its previous owner: it hands it back, or its entry expires.
      }
    }
    if (taken.length > 0) {
      logger.info({ shards: taken.map((lease) => lease.shard) }, 'took shards');
      void transition(async () => {
        await handlers!.acquire(taken);
        for (const lease of taken) if (held.get(lease.shard)?.fence === lease.fence && !releasing.has(lease.shard)) active.add(lease.shard);
      });
    }
  }

  return {
    async start(given) {
      handlers = given;
      kv = await new Kvm(options.connection).create(bucket, { ttl: ttlMs, history: 1 });
      await watchMembers(kv);
      await tick();
      await transitions;
      timer = setInterval(() => {
        ticking ??= tick()
          .catch((error: unknown) => logger.warn({ err: error }, 'could not renew shard leases; retrying'))
          .finally(() => (ticking = null));
      }, ttlMs / TICKS_PER_TTL);
    },

    async stop() {
      if (timer) clearInterval(timer);
      timer = null;
      await ticking;
      const store = kv;
      if (store && handlers && held.size > 0) handBack(store, [...held.keys()].filter((shard) => !releasing.has(shard)));
      await transitions;
      await kv?.delete(me).catch(() => {});
      watching?.stop();
      handlers = null;
    },

    held() {
      return [...held].map(([shard, lease]) => ({ shard, fence: lease.fence }));
    },
  };
}
