// The examples as a test runs them: a copy of examples/ with every coworker on duty around the
// clock (so nothing depends on the hour), their data files written, and an embedded runtime
// with the real connectors of examples/connectors.yaml and the scripted model; for the browser
// tests, the console on it and Chromium.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { parse, stringify } from 'yaml';
import { coworkerLookup, createAgentRunner, ScriptedChatModel } from '../actors/index.ts';
import { startEmbedded, type Runtime } from '../cli/runtime.ts';
import { buildToolbox } from '../cli/toolbox.ts';
import { createToolClient } from '../connectors/index.ts';
import { startConsoleServer, type People, type SignInUser } from '../gateway/index.ts';
import { launchChromium } from '../scripts/chromium.ts';
import { examplePlaybooks } from '../examples/playbooks.ts';
import { ephemeralSigner, trustingOnly } from '../protocol/index.ts';
import { writeExampleData } from '../scripts/example-data.ts';

const logger = pino({ level: 'silent' });
const NOT_COWORKERS = new Set(['connectors.yaml', 'users.yaml', 'teams.yaml']);

/** `connectors` may change sections of the examples' connectors.yaml (e.g. email to a test SMTP server). */
export function examplesFolder(connectors: Record<string, unknown> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'coworkers-examples-'));
  for (const file of readdirSync('examples').filter((name) => name.endsWith('.yaml'))) {
    const content = parse(readFileSync(join('examples', file), 'utf8'));
    if (!NOT_COWORKERS.has(file)) content.workingHours = { days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'], start: '00:00', end: '00:00' };
    if (file === 'connectors.yaml') Object.assign(content, connectors);
    writeFileSync(join(dir, file), stringify(content));
  }
  writeExampleData(dir);
  return dir;
}

/** The runtime of `npm start` on such a folder; data (the SQLite file, the outbox) in `<dir>/data`. */
export function startExampleRuntime(dir: string): Promise<Runtime> {
  const dataDir = join(dir, 'data');
  return startEmbedded({
    dir,
    dataDir,
    toolbox: (documents) => buildToolbox({ dir, dataDir, documents, env: {}, logger, serve: true, slackServedElsewhere: false }),
    createRunner: (bus, tools, store, signer) =>
      createAgentRunner({ model: new ScriptedChatModel({ playbooks: examplePlaybooks }), tools, callTool: createToolClient({ bus }).call, signer, coworkers: coworkerLookup(store) }),
    identity: embeddedIdentity(),
    logger,
  });
}

/** As `coworkers up` has it: one key of its own, trusted in every role. */
function embeddedIdentity() {
  const signer = ephemeralSigner();
  return { signer, trust: trustingOnly(signer), name: 'the example runtime' };
}

/** Where the browser tests leave their screenshots. */
export const SCREENSHOTS = join(process.cwd(), '.test-output', 'screenshots');

/** The runtime on `dir`, the console on it for `users`, and Chromium to drive it; `close` stops all three. */
export async function startExampleConsole(dir: string, options: { users: SignInUser[]; people?: People }) {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const runtime = await startExampleRuntime(dir);
  const started: Array<{ close(): Promise<void> }> = [runtime];
  const close = async () => {
    for (const part of started.splice(0).reverse()) await part.close();
  };
  try {
    const consoleServer = await startConsoleServer({ bus: runtime.bus, store: runtime.store, signer: runtime.identity.signer, users: options.users, ...(options.people && { people: options.people }), port: 0, logger });
    started.push(consoleServer);
    const browser = await launchChromium();
    started.push(browser);
    return { runtime, consoleServer, browser, close };
  } catch (error) {
    await close();
    throw error;
  }
}
