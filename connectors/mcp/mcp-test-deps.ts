// What the bridge's tests share: deps for `mcpFactory.create` on a real in-memory store, secrets
// from a map, the close functions the bridge registers (run by `close()`), and a tool call.
import { pino } from 'pino';
import { CoworkersError, type ToolCall } from '../../protocol/index.ts';
import { createSqliteStore } from '../../persistence/index.ts';
import type { ConnectorDeps } from '../connector-deps.ts';

export function createTestDeps(secrets: Record<string, string> = {}): ConnectorDeps & { close(): Promise<void> } {
  const store = createSqliteStore({ path: ':memory:' });
  const closers: Array<() => Promise<void>> = [];
  return {
    documents: store.documents,
    secret(name) {
      const value = secrets[name];
      if (value === undefined) throw new CoworkersError('CONFIG_INVALID', `The secret ${name} is not set.`);
      return value;
    },
    baseDir: process.cwd(),
    dataDir: process.cwd(),
    logger: pino({ level: 'silent' }),
    now: Date.now,
    onClose: (close) => void closers.push(close),
    async close() {
      for (const close of closers.splice(0).reverse()) await close();
      await store.close();
    },
  };
}

export function toolCall(tool: string, args: Record<string, unknown>): ToolCall {
  return { v: 1, tool, args, coworkerId: 'ava', runId: 'run-1', idempotencyKey: crypto.randomUUID() };
}
