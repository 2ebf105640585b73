// Runs a command with NATS_URL and MONGODB_URI pointing at real servers (see test-servers.ts).
import { spawnSync } from 'node:child_process';
import { startTestServers } from './test-servers.ts';

const [command, ...args] = process.argv.slice(2);
if (!command) {
  console.error('usage: node scripts/with-servers.ts <command> [args...]');
  process.exit(2);
}
const servers = await startTestServers();
const result = spawnSync(command, args, {
  stdio: 'inherit',
  env: { ...process.env, NATS_URL: servers.natsUrl, MONGODB_URI: servers.mongoUri },
});
await servers.stop();
process.exit(result.status ?? 1);
