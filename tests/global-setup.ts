// Vitest global setup: real NATS and MongoDB-wire servers for the whole run. Child processes
// spawned by tests (a runtime killed with SIGKILL, the CLI) inherit the URLs through the env.
import { ensureChromium } from '../scripts/chromium.ts';
import { startTestServers } from '../scripts/test-servers.ts';

export default async function setup() {
  // Before the servers: an install that fails should not leave them running.
  ensureChromium();
  const servers = await startTestServers();
  process.env.NATS_URL = servers.natsUrl;
  process.env.MONGODB_URI = servers.mongoUri;
  // Every `up` and `gateway` a test starts serves the console: on a free port, never a fixed one.
  process.env.CONSOLE_PORT = '0';
  // nats-server reserves each stream's size limit on its disk: a runtime per test prefix at the
  // default 1 GiB would run a small disk out of room. 64 MiB is plenty for a test.
  process.env.COWORKERS_STREAM_MAX_BYTES ??= String(64 * 1024 ** 2);
  return () => servers.stop();
}
