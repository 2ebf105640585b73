// Coworkers in the test's own process, as the chat gateway tests run them: an in-process bus, an
// in-memory SQLite store, the real agent runner on a scripted model, and the counting email
// connector served on the bus. Everything stops through `cleanups`, even when a test fails.
import { pino } from 'pino';
import { createAgentRunner, createAuditRecorder, createCoworkerHost, ScriptedChatModel, type Playbook } from '../actors/index.ts';
import { createToolClient, grantsFromStore, serveConnector } from '../connectors/index.ts';
import { loadDefinitions } from '../definitions/index.ts';
import { createMemoryBus, type Bus } from '../messaging/index.ts';
import { createSqliteStore, type Store } from '../persistence/index.ts';
import type { ToolSpec } from '../protocol/index.ts';
import { countingEmailConnector } from './email-connector.ts';
import { writeDefinitions } from './helpers.ts';
import { testIdentity } from './test-identity.ts';

const logger = pino({ level: 'silent' });

/**
 * The key of everything in the test's process, as in `coworkers up`: runtime, gateways and
 * connectors trust it in every role. Runtime processes a test starts get it through `env`.
 */
export const processIdentity = testIdentity();
export const { signer: processSigner, trust: processTrust } = processIdentity;

/** The counting email connector, served on `bus` with grants from `store`. */
export async function serveCountingEmail(bus: Bus, store: Store, cleanups: Array<() => Promise<void>>) {
  const email = countingEmailConnector();
  const served = await serveConnector({ bus, connector: email.connector, documents: store.documents, grants: grantsFromStore(store), trust: processTrust, logger });
  cleanups.push(() => served.stop());
  return email;
}

export async function coworkersInProcess(
  options: { definitions: Record<string, string>; playbook: Playbook; moreTools?: ToolSpec[] },
  cleanups: Array<() => Promise<void>>,
): Promise<{ bus: Bus; store: Store; email: ReturnType<typeof countingEmailConnector> }> {
  const bus = createMemoryBus();
  const store = createSqliteStore({ path: ':memory:' });
  const { definitions } = await loadDefinitions(writeDefinitions(options.definitions));
  const email = await serveCountingEmail(bus, store, cleanups);
  const tools = [...email.connector.specs, ...(options.moreTools ?? [])];
  const runTask = createAgentRunner({ model: new ScriptedChatModel({ fallback: options.playbook }), tools, callTool: createToolClient({ bus }).call, signer: processSigner });
  const host = createCoworkerHost({ definitions: definitions.map((entry) => entry.definition), bus, store, logger, trust: processTrust, runTask });
  const recorder = createAuditRecorder({ bus, store, logger });
  await recorder.start();
  await host.start();
  cleanups.push(async () => {
    await host.stop();
    await recorder.stop();
    await store.close();
  });
  return { bus, store, email };
}
