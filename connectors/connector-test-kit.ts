// What the connector tests share: `ConnectorDeps` on a real in-memory store (or given documents)
// with secrets from a map and the closers it collects, a silent logger, and a tool call.
import { pino } from 'pino';
import { CoworkersError, type ToolCall } from '../protocol/index.ts';
import { createSqliteStore, type Documents } from '../persistence/index.ts';
import type { ConnectorDeps } from './connector-deps.ts';

export const silentLogger = pino({ level: 'silent' });

export interface TestConnectorDepsOptions {
  secrets?: Record<string, string>;
  now?: () => number;
  baseDir?: string;
  dataDir?: string;
  /** Documents the test owns (and closes); without them the deps open an in-memory SQLite store. */
  documents?: Documents;
}

export type TestConnectorDeps = ConnectorDeps & {
  /** Runs what was registered with onClose, last first, then closes the store the deps opened. */
  close(): Promise<void>;
};

export function testConnectorDeps(options: TestConnectorDepsOptions = {}): TestConnectorDeps {
  const { secrets = {}, now = Date.now, baseDir = process.cwd(), dataDir = process.cwd() } = options;
  const store = options.documents ? undefined : createSqliteStore({ path: ':memory:' });
  const closers: Array<() => Promise<void>> = [];
  return {
    documents: options.documents ?? store!.documents,
    secret(name) {
      const value = secrets[name];
      if (value === undefined) throw new CoworkersError('CONFIG_INVALID', `The secret ${name} is not set.`);
      return value;
    },
    baseDir,
    dataDir,
    logger: silentLogger,
    now,
    onClose: (close) => void closers.push(close),
    async close() {
      for (const close of closers.splice(0).reverse()) await close();
      await store?.close();
    },
  };
}

/** A call of `tool` as coworker "ava" with a fresh idempotency key; `fields` change the rest. */
export function toolCall(tool: string, args: Record<string, unknown>, fields: Partial<ToolCall> = {}): ToolCall {
  return { v: 1, tool, args, coworkerId: 'ava', runId: 'run-1', idempotencyKey: crypto.randomUUID(), ...fields };
}
