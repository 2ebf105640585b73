// The stream's limits on the test nats-server: a size limit beside the age limit, and at the
// limit the oldest messages go while publishing goes on.
import { connect } from '@nats-io/transport-node';
import { DiscardPolicy, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { afterEach, describe, expect, it } from 'vitest';
import { ensureStream } from './nats.stream.ts';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setup() {
  const connection = await connect({ servers: process.env.NATS_URL });
  const jsm = await jetstreamManager(connection);
  const prefix = `stream_${crypto.randomUUID().replaceAll('-', '').slice(0, 12)}.v2`;
  cleanups.push(async () => {
    await jsm.streams.delete(prefix.toUpperCase().replace(/[^A-Z0-9_-]/g, '_')).catch(() => {});
    await connection.close();
  });
  return { connection, jsm, prefix };
}

describe('ensureStream', () => {
  it('sets the size limit with discard old, and brings an existing stream to a new one', async () => {
    const { jsm, prefix } = await setup();
    const name = await ensureStream(jsm, prefix, { maxBytes: 32 * 1024 ** 2 });
    expect((await jsm.streams.info(name)).config).toMatchObject({ max_bytes: 32 * 1024 ** 2, discard: DiscardPolicy.Old });
    await ensureStream(jsm, prefix, { maxBytes: 16 * 1024 ** 2 });
    expect((await jsm.streams.info(name)).config.max_bytes).toBe(16 * 1024 ** 2);
  });

  it('drops the oldest messages at the limit and never refuses a publish', async () => {
    const { connection, jsm, prefix } = await setup();
    const name = await ensureStream(jsm, prefix, { maxBytes: 8 * 1024 });
    const js = jetstream(connection);
    for (let index = 0; index < 100; index++) await js.publish(`${prefix}.evt.ava.message`, JSON.stringify({ index, padding: 'x'.repeat(200) }));
    const { state } = await jsm.streams.info(name);
    expect(state.bytes).toBeLessThanOrEqual(8 * 1024);
    expect(state.first_seq).toBeGreaterThan(1);
    expect(state.last_seq).toBe(100);
  });
});
