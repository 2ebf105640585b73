// The bus contract against the shared test nats-server, plus what only a real server shows:
// riding out an outage (each of those tests kills and restarts a nats-server of its own).
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect as tcpConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { pino } from 'pino';
import { CoworkersError } from '../protocol/index.ts';
import { ensureBinary, freePort } from '../scripts/test-servers.ts';
import { describeBusContract } from './bus.contract.ts';
import type { Bus, BusMessage } from './bus.port.ts';
import { createNatsBus } from './nats.bus.ts';
import { streamNameFor } from './nats.stream.ts';

function uniquePrefix(): string {
  return `test_${crypto.randomUUID().replaceAll('-', '').slice(0, 12)}.v1`;
}

describeBusContract('the NATS bus', async () => {
  const connection = await connect({ servers: process.env.NATS_URL, maxReconnectAttempts: -1, reconnectTimeWait: 100 });
  const prefix = uniquePrefix();
  try {
    const bus = await createNatsBus({ connection, prefix, logger: pino({ level: 'silent' }) });
    return {
      bus,
      cleanup: async () => {
        try {
          await bus.close();
          const jsm = await jetstreamManager(connection);
          await jsm.streams.delete(streamNameFor(prefix));
        } finally {
          await connection.close();
        }
      },
    };
  } catch (error) {
    await connection.close();
    throw error;
  }
});

describe('the NATS bus of a process that may not manage the stream (a gateway, a connector)', () => {
  let connection: NatsConnection;
  const prefix = uniquePrefix();

  beforeEach(async () => {
    connection = await connect({ servers: process.env.NATS_URL });
  });

  afterEach(async () => {
    await (await jetstreamManager(connection)).streams.delete(streamNameFor(prefix)).catch(() => {});
    await connection.close();
  });

  it('refuses to start before a runtime made the stream, then uses the one it made', async () => {
    const logger = pino({ level: 'silent' });
    const early = await createNatsBus({ connection, prefix, logger, manageStream: false }).catch((caught: unknown) => caught);
    expect(early).toBeInstanceOf(CoworkersError);
    expect(early).toMatchObject({ code: 'BUS_UNAVAILABLE', message: `the stream ${streamNameFor(prefix)} does not exist yet: start a runtime first` });

    const runtime = await createNatsBus({ connection, prefix, logger });
    const gateway = await createNatsBus({ connection, prefix, logger, manageStream: false });
    const received: BusMessage[] = [];
    await runtime.consume('cmd.>', async (message) => void received.push(message), { durable: 'runtime' });
    await gateway.publish('cmd.task.7.alice', { n: 1 }, { msgId: 'from-gateway' });
    await vi.waitFor(() => expect(received.map((message) => message.subject)).toEqual(['cmd.task.7.alice']));
    await gateway.close();
    await runtime.close();
  });

  it('sets a command whose body is not JSON aside as a dead letter', async () => {
    const bus = await createNatsBus({ connection, prefix, logger: pino({ level: 'silent' }) });
    await bus.consume('cmd.>', async () => expect.unreachable('a body that is not JSON never reaches a handler'), { durable: 'runtime' });
    // As a third party would with `nats pub`, quoting gone wrong.
    await jetstream(connection).publish(`${prefix}.cmd.task.7.alice`, '{"type": task.assign');
    await vi.waitFor(async () => expect(await bus.read('dlq.>')).toHaveLength(1));
    const [stored] = await bus.read('dlq.>');
    expect(stored).toMatchObject({ subject: 'dlq.malformed', data: { reason: 'malformed', subject: 'cmd.task.7.alice', payload: '{"type": task.assign' } });
    await bus.close();
  });
});

/** A nats-server of the test's own, which it can kill and start again on the same port and data dir. */
function dedicatedNatsServer(port: number) {
  let child: ChildProcess | undefined;
  return {
    url: `nats://127.0.0.1:${port}`,
    async start(dataDir: string) {
      child = spawn(ensureBinary('nats-server'), ['-js', '-sd', dataDir, '-a', '127.0.0.1', '-p', String(port)], { stdio: 'ignore' });
      await vi.waitFor(() => listening(port), { timeout: 15_000, interval: 50 });
    },
    async kill() {
      if (!child || child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGKILL');
      await exited;
    },
  };
}

function listening(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = tcpConnect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve();
    });
    socket.once('error', reject);
  });
}

describe('the NATS bus across a server outage', () => {
  let server: ReturnType<typeof dedicatedNatsServer>;
  let dataDirs: string[];
  let connection: NatsConnection | undefined;
  let bus: Bus | undefined;
  let warnings: string[];
  const prefix = 'outage.v1';

  function connected(): NatsConnection {
    if (!connection) throw new Error('beforeEach did not connect');
    return connection;
  }

  function createBus(options: { publishRetryTotalMs?: number } = {}): Promise<Bus> {
    const logger = pino({ level: 'warn' }, { write: (line: string) => void warnings.push(JSON.parse(line).msg) });
    return createNatsBus({ connection: connected(), prefix, logger, ...options });
  }

  function newDataDir(): string {
    const dir = mkdtempSync(join(tmpdir(), 'coworkers-nats-outage-'));
    dataDirs.push(dir);
    return dir;
  }

  beforeEach(async () => {
    warnings = [];
    dataDirs = [];
    server = dedicatedNatsServer(await freePort());
    await server.start(newDataDir());
    connection = await connect({ servers: server.url, maxReconnectAttempts: -1, reconnectTimeWait: 100 });
  });

  afterEach(async () => {
    try {
      await bus?.close();
      await connection?.close();
    } finally {
      bus = undefined;
      connection = undefined;
      await server.kill();
      for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
    }
  });

  it('completes a publish issued while the server is down once it is back, and delivers it once', async () => {
    bus = await createBus();
    const received: BusMessage[] = [];
    await bus.consume('cmd.>', async (message) => void received.push(message), { durable: 'survivor' });

    await server.kill();
    let settled = false;
    const publishing = bus.publish('cmd.task.7.alice', { n: 1 }, { msgId: 'during-outage' }).finally(() => {
      settled = true;
    });
    await sleep(1_000);
    expect(settled).toBe(false);

    await server.start(dataDirs[0] ?? '');
    await publishing;
    await vi.waitFor(() => expect(received).toHaveLength(1), { timeout: 20_000 });
    await sleep(500);
    expect(received).toEqual([{ subject: 'cmd.task.7.alice', data: { n: 1 }, headers: {}, redelivered: false }]);
    const stream = await (await jetstreamManager(connected())).streams.info(streamNameFor(prefix));
    expect(stream.state.messages).toBe(1);
    expect(warnings).toContain('NATS publish not acknowledged, server unavailable; retrying');
  }, 45_000);

  it('keeps consuming when the server comes back without its stream and consumer', async () => {
    bus = await createBus();
    const received: number[] = [];
    await bus.consume('cmd.>', async (message) => void received.push((message.data as { n: number }).n), { durable: 'rebuilt' });

    await server.kill();
    await server.start(newDataDir());
    await bus.publish('cmd.task.7.alice', { n: 1 }, { msgId: 'after-data-loss' });
    await vi.waitFor(() => expect(received).toEqual([1]), { timeout: 20_000 });
    expect(warnings).toContain('Re-creating the JetStream stream and consumer');
  }, 45_000);

  it('rejects a publish with a retryable BUS_UNAVAILABLE when the server stays away past the retry total', async () => {
    bus = await createBus({ publishRetryTotalMs: 1_500 });
    await server.kill();

    const startedAt = Date.now();
    const error = await bus.publish('cmd.task.7.alice', { n: 1 }, { msgId: 'lost' }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CoworkersError);
    expect(error).toMatchObject({ code: 'BUS_UNAVAILABLE', retryable: true });
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(1_400);
    expect(Date.now() - startedAt).toBeLessThan(5_000);
  });
});
