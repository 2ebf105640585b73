// Leadership among runtime processes, against the test nats-server: one leads, the others stand
// by, and one of them takes over when the leader gives up or goes silent.
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { Kvm } from '@nats-io/kv';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { waitFor } from '../tests/helpers.ts';
import { createLeadership, type Leadership } from './nats.leadership.ts';
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

/** A runtime's view of its leadership: whether it leads now, and how often it has started leading. */
async function contender(nc: NatsConnection, prefix: string, holder: string) {
  const seen = { leading: false, terms: 0 };
  const leadership: Leadership = createLeadership({ connection: nc, prefix, holder, ttlMs: TTL_MS, logger });
  await leadership.start({
    lead: async () => {
      seen.leading = true;
      seen.terms++;
    },
    stepDown: async () => {
      seen.leading = false;
    },
  });
  cleanups.push(() => leadership.stop());
  return { seen, leadership };
}

/** A prefix of its own, whose leadership bucket is removed after the test. */
async function uniquePrefix(): Promise<string> {
  const prefix = `lead_${crypto.randomUUID().replaceAll('-', '').slice(0, 12)}.v1`;
  const admin = await connection();
  cleanups.push(async () => {
    const kv = await new Kvm(admin).open(`leaders_${streamNameFor(prefix)}`).catch(() => null);
    await kv?.destroy();
  });
  return prefix;
}

describe('leadership on NATS', () => {
  it('has one leader at a time; a standby takes over at once when the leader gives up', async () => {
    const prefix = await uniquePrefix();
    const first = await contender(await connection(), prefix, 'first');
    const second = await contender(await connection(), prefix, 'second');
    expect(first.seen.leading).toBe(true);
    expect(second.seen.leading).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, TTL_MS * 2)); // renewals keep it
    expect([first.seen.leading, second.seen.leading]).toEqual([true, false]);

    await first.leadership.stop();
    expect(first.seen.leading).toBe(false);
    await waitFor(async () => second.seen.leading, 'the standby to lead', TTL_MS * 2);
  });

  it('moves to a standby when the leader goes silent', async () => {
    const prefix = await uniquePrefix();
    const leaderConnection = await connection();
    const first = await contender(leaderConnection, prefix, 'first');
    const second = await contender(await connection(), prefix, 'second');
    expect(first.seen.leading).toBe(true);
    await leaderConnection.close(); // as a crash: no renewal, no goodbye
    const started = Date.now();
    await waitFor(async () => second.seen.leading, 'the standby to take over', TTL_MS * 10);
    expect(Date.now() - started).toBeGreaterThanOrEqual(TTL_MS / 3);
    expect(second.seen.terms).toBe(1);
  });

  it('keeps deployments on other prefixes apart', async () => {
    const one = await contender(await connection(), await uniquePrefix(), 'one');
    const other = await contender(await connection(), await uniquePrefix(), 'other');
    expect([one.seen.leading, other.seen.leading]).toEqual([true, true]);
  });
});
