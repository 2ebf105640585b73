// One behaviour, two adapters: every Bus implementation must pass this suite. Each test gets a
// fresh bus (and, for NATS, its own subject prefix and stream), cleaned up even when it fails.
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CoworkersError } from '../protocol/index.ts';
import type { Bus, BusMessage } from './bus.port.ts';

export interface BusUnderTest {
  bus: Bus;
  cleanup: () => Promise<void>;
}

/** Long enough for a duplicate or a stray message to show up if the adapter would send one. */
const SETTLE_MS = 200;
const REDELIVERY_TIMEOUT_MS = 10_000;

const numbered = (message: BusMessage) => (message.data as { n: number }).n;
/** A command subject as the protocol makes them: cmd.<kind>.<shard>.<coworker>. */
const ALICE = 'cmd.task.7.alice';

export function describeBusContract(name: string, createBus: () => Promise<BusUnderTest>): void {
  describe(`${name} satisfies the bus contract`, () => {
    let bus: Bus;
    let cleanup: (() => Promise<void>) | undefined;

    beforeEach(async () => {
      ({ bus, cleanup } = await createBus());
    });

    afterEach(async () => {
      await cleanup?.();
      cleanup = undefined;
    });

    async function publishNumbers(subject: string, numbers: number[], idPrefix = 'm'): Promise<void> {
      for (const n of numbers) await bus.publish(subject, { n }, { msgId: `${idPrefix}${n}`, headers: { 'x-trace': `t${n}` } });
    }

    it('delivers published messages in order, with data and headers, one handler at a time by default', async () => {
      const received: BusMessage[] = [];
      let running = 0;
      let mostRunning = 0;
      await bus.consume(
        'cmd.>',
        async (message) => {
          mostRunning = Math.max(mostRunning, ++running);
          await sleep(5);
          received.push(message);
          running--;
        },
        { durable: 'worker' },
      );
      await publishNumbers(ALICE, [1, 2, 3]);

      await vi.waitFor(() => expect(received).toHaveLength(3));
      expect(received).toEqual(
        [1, 2, 3].map((n) => ({ subject: ALICE, data: { n }, headers: { 'x-trace': `t${n}` }, redelivered: false })),
      );
      expect(mostRunning).toBe(1);
    });

    it('stores a message published twice with the same msgId once', async () => {
      await bus.publish('evt.alice.done', { n: 1 }, { msgId: 'same' });
      await bus.publish('evt.alice.done', { n: 2 }, { msgId: 'same' });
      await bus.publish('evt.alice.done', { n: 3 }, { msgId: 'other' });
      const received: number[] = [];
      await bus.consume('evt.>', async (message) => void received.push(numbered(message)), { durable: 'dedup' });

      await vi.waitFor(() => expect(received).toContain(3));
      await sleep(SETTLE_MS);
      expect(received).toEqual([1, 3]);
    });

    it('gives a consumer created after publishing the earlier messages', async () => {
      await publishNumbers(ALICE, [1, 2]);
      await publishNumbers('evt.alice.done', [3]);
      const received: BusMessage[] = [];
      await bus.consume(ALICE, async (message) => void received.push(message), { durable: 'latecomer' });

      await vi.waitFor(() => expect(received.map(numbered)).toEqual([1, 2]));
      await sleep(SETTLE_MS);
      expect(received.map((message) => message.subject)).toEqual([ALICE, ALICE]);
    });

    it('splits messages between consumers with the same durable name, each message once', async () => {
      const byMember: [number[], number[]] = [[], []];
      for (const seen of byMember) {
        await bus.consume(
          'cmd.>',
          async (message) => {
            seen.push(numbered(message));
            await sleep(10);
          },
          { durable: 'shared' },
        );
      }
      const numbers = Array.from({ length: 20 }, (_, index) => index + 1);
      await publishNumbers(ALICE, numbers);

      const all = () => [...byMember[0], ...byMember[1]].sort((a, b) => a - b);
      await vi.waitFor(() => expect(all()).toEqual(numbers), { timeout: REDELIVERY_TIMEOUT_MS });
      await sleep(SETTLE_MS);
      expect(all()).toEqual(numbers);
      expect(byMember[0].length).toBeGreaterThan(0);
      expect(byMember[1].length).toBeGreaterThan(0);
    });

    it('resumes a stopped consumer where it left off', async () => {
      const first: number[] = [];
      const subscription = await bus.consume('cmd.>', async (message) => void first.push(numbered(message)), { durable: 'resumable' });
      await publishNumbers(ALICE, [1, 2, 3]);
      await vi.waitFor(() => expect(first).toEqual([1, 2, 3]));
      await subscription.stop();

      await publishNumbers(ALICE, [4, 5]);
      const second: number[] = [];
      await bus.consume('cmd.>', async (message) => void second.push(numbered(message)), { durable: 'resumable' });
      await vi.waitFor(() => expect(second).toEqual([4, 5]));
      await sleep(SETTLE_MS);
      expect(second).toEqual([4, 5]);
      expect(first).toEqual([1, 2, 3]);
    });

    it('redelivers a message whose handler threw, marked as redelivered', async () => {
      const deliveries: BusMessage[] = [];
      await bus.consume(
        'cmd.>',
        async (message) => {
          deliveries.push(message);
          if (deliveries.length === 1) throw new Error('handler failed on purpose');
        },
        { durable: 'flaky' },
      );
      await publishNumbers(ALICE, [1]);

      await vi.waitFor(() => expect(deliveries).toHaveLength(2), { timeout: REDELIVERY_TIMEOUT_MS });
      expect(deliveries.map((message) => [numbered(message), message.redelivered])).toEqual([
        [1, false],
        [1, true],
      ]);
      await sleep(SETTLE_MS);
      expect(deliveries).toHaveLength(2);
    });

    it('runs up to `concurrency` handlers at once, started in publish order', async () => {
      await publishNumbers(ALICE, [1, 2, 3, 4, 5, 6]);
      const started: number[] = [];
      const fourStarted = Promise.withResolvers<void>();
      let running = 0;
      let mostRunning = 0;
      await bus.consume(
        'cmd.>',
        async (message) => {
          started.push(numbered(message));
          mostRunning = Math.max(mostRunning, ++running);
          if (started.length === 4) fourStarted.resolve();
          // The first four hold their slots until all four run at once (or give up, and the test fails).
          await Promise.race([fourStarted.promise, sleep(3_000)]);
          await sleep(20);
          running--;
        },
        { durable: 'parallel', concurrency: 4 },
      );

      await vi.waitFor(() => expect(started).toHaveLength(6), { timeout: 5_000 });
      expect(started).toEqual([1, 2, 3, 4, 5, 6]);
      expect(mostRunning).toBe(4);
    });

    it('fans live messages out to subscribers, wildcards included, without replaying older ones', async () => {
      await bus.publish('evt.alice.done', { n: 0 }, { msgId: 'before-subscribing' });
      const done: BusMessage[] = [];
      const everyEvent: string[] = [];
      await bus.subscribe('evt.*.done', (message) => void done.push(message));
      const allEvents = await bus.subscribe('evt.>', (message) => void everyEvent.push(message.subject));

      await bus.publish(ALICE, { n: 1 }, { msgId: 'c1' });
      await bus.publish('evt.alice.started', { n: 2 }, { msgId: 'e2' });
      await bus.publish('evt.bob.done', { n: 3 }, { msgId: 'e3', headers: { 'x-trace': 't3' } });
      await vi.waitFor(() => expect(everyEvent).toEqual(['evt.alice.started', 'evt.bob.done']));
      expect(done).toEqual([{ subject: 'evt.bob.done', data: { n: 3 }, headers: { 'x-trace': 't3' }, redelivered: false }]);

      await allEvents.stop();
      await bus.publish('evt.carol.done', { n: 4 }, { msgId: 'e4' });
      await vi.waitFor(() => expect(done.map(numbered)).toEqual([3, 4]));
      expect(everyEvent).toHaveLength(2);
    });

    it('answers a request through a responder, with data and headers', async () => {
      await bus.respond('ctl.echo', async (data, message) => ({ echo: data, trace: message.headers['x-trace'], subject: message.subject }));
      const reply = await bus.request('ctl.echo', { hello: 'world' }, { headers: { 'x-trace': 't1' } });
      expect(reply).toEqual({ echo: { hello: 'world' }, trace: 't1', subject: 'ctl.echo' });
    });

    it("passes a responder's CoworkersError to the requester with its code, message and hint", async () => {
      await bus.respond('ctl.lookup', async () => {
        throw new CoworkersError('COWORKER_NOT_FOUND', 'No coworker named "dana"', { hint: 'List coworkers with `coworkers ls`.' });
      });
      const error = await bus.request('ctl.lookup', { name: 'dana' }).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(CoworkersError);
      expect(error).toMatchObject({ code: 'COWORKER_NOT_FOUND', message: 'No coworker named "dana"', hint: 'List coworkers with `coworkers ls`.', retryable: false });
    });

    it('turns any other responder failure into INTERNAL', async () => {
      await bus.respond('ctl.broken', async () => {
        throw new TypeError('cannot read properties of undefined');
      });
      await expect(bus.request('ctl.broken', {})).rejects.toMatchObject({ code: 'INTERNAL', message: expect.stringContaining('cannot read properties of undefined') });
    });

    it('rejects a request nobody answers with NO_RESPONDERS', async () => {
      await expect(bus.request('ctl.nobody', {}, { timeoutMs: 2_000 })).rejects.toMatchObject({ code: 'NO_RESPONDERS' });
    });

    it('rejects a request whose responder is too slow with REQUEST_TIMEOUT', async () => {
      await bus.respond('ctl.slow', async () => {
        await sleep(1_000);
        return 'too late';
      });
      const startedAt = Date.now();
      await expect(bus.request('ctl.slow', {}, { timeoutMs: 200 })).rejects.toMatchObject({ code: 'REQUEST_TIMEOUT' });
      expect(Date.now() - startedAt).toBeLessThan(900);
    });

    it('refuses durable operations outside the stored subjects with COMMAND_INVALID', async () => {
      await expect(bus.publish('ctl.restart', {}, { msgId: 'x' })).rejects.toMatchObject({ code: 'COMMAND_INVALID' });
      await expect(bus.publish('cmd.*', {}, { msgId: 'y' })).rejects.toMatchObject({ code: 'COMMAND_INVALID' });
      // A command subject has exactly three tokens after cmd: anything else would be stored where no consumer reads.
      await expect(bus.publish('cmd.alice', {}, { msgId: 'z' })).rejects.toMatchObject({ code: 'COMMAND_INVALID' });
      await expect(bus.publish('cmd.task.7.alice.extra', {}, { msgId: 'w' })).rejects.toMatchObject({ code: 'COMMAND_INVALID' });
      // Nor under a shard no runtime reads.
      await expect(bus.publish('cmd.task.40.alice', {}, { msgId: 'v' })).rejects.toMatchObject({ code: 'COMMAND_INVALID' });
      await expect(bus.consume('cmd.alice', async () => {}, { durable: 'never' })).rejects.toMatchObject({ code: 'COMMAND_INVALID' });
      await expect(bus.consume('ctl.>', async () => {}, { durable: 'control' })).rejects.toMatchObject({ code: 'COMMAND_INVALID' });
      await expect(bus.consume('cmd.>', async () => {}, { durable: 'bad.name' })).rejects.toMatchObject({ code: 'COMMAND_INVALID' });
    });

    it("gives a shard's consumer every kind of command for that shard, and only those", async () => {
      const received: string[] = [];
      await bus.consume('cmd.*.7.*', async (message) => void received.push(message.subject), { durable: 'shard-7' });
      await bus.publish('cmd.task.7.alice', { n: 1 }, { msgId: 'k1' });
      await bus.publish('cmd.decision.7.alice', { n: 2 }, { msgId: 'k2' });
      await bus.publish('cmd.task.8.bob', { n: 3 }, { msgId: 'k3' });
      await bus.publish('cmd.definition.7.carol', { n: 4 }, { msgId: 'k4' });

      await vi.waitFor(() => expect(received).toHaveLength(3));
      await sleep(SETTLE_MS);
      expect(received).toEqual(['cmd.task.7.alice', 'cmd.decision.7.alice', 'cmd.definition.7.carol']);
    });

    it('reads stored messages (dead letters) back oldest first, from a time, without consuming them', async () => {
      expect(await bus.read('dlq.>')).toEqual([]);
      await bus.publish('dlq.malformed', { n: 1 }, { msgId: 'd1' });
      await bus.publish('evt.alice.done', { n: 2 }, { msgId: 'e2' });
      await sleep(20);
      const between = Date.now();
      await sleep(20);
      await bus.publish('dlq.mismatch', { n: 3 }, { msgId: 'd3', headers: { 'x-trace': 't3' } });

      const all = await bus.read('dlq.>');
      expect(all.map((message) => [message.subject, numbered(message)])).toEqual([
        ['dlq.malformed', 1],
        ['dlq.mismatch', 3],
      ]);
      expect(all[1]).toMatchObject({ headers: { 'x-trace': 't3' }, redelivered: false });
      expect(all[0]!.storedAt).toBeLessThan(between);
      expect((await bus.read('dlq.>', { since: between })).map(numbered)).toEqual([3]);
      expect((await bus.read('dlq.>', { limit: 1 })).map(numbered)).toEqual([1]);
      expect((await bus.read('dlq.>')).map(numbered)).toEqual([1, 3]);
    });

    it('stops delivering after close() and refuses further calls with BUS_UNAVAILABLE', async () => {
      const received: number[] = [];
      await bus.consume('cmd.>', async (message) => void received.push(numbered(message)), { durable: 'closing' });
      await publishNumbers(ALICE, [1]);
      await vi.waitFor(() => expect(received).toEqual([1]));

      await bus.close();
      await expect(bus.publish(ALICE, { n: 2 }, { msgId: 'm2' })).rejects.toMatchObject({ code: 'BUS_UNAVAILABLE' });
      await expect(bus.request('ctl.echo', {})).rejects.toMatchObject({ code: 'BUS_UNAVAILABLE' });
      expect(received).toEqual([1]);
    });
  });
}
