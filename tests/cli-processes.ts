// The `coworkers` command as the CLI tests run it: one-off commands, and `coworkers up` in a
// folder of its own, killed when the test ends (call `killCliProcesses` in afterEach).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from './helpers.ts';

/** The embedded mode with quiet logs, whatever servers the test run has. */
export const cleanEnv = { ...process.env, NATS_URL: '', MONGODB_URI: '', LOG_LEVEL: 'warn' };

export function coworkers(args: string[], env: NodeJS.ProcessEnv = cleanEnv, cwd = process.cwd()) {
  const result = spawnSync(process.execPath, [join(process.cwd(), 'cli/main.ts'), ...args], { env, cwd, encoding: 'utf8', timeout: 20_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const children: ChildProcess[] = [];

export function killCliProcesses(): void {
  for (const child of children.splice(0)) child.kill('SIGKILL');
}

/** Starts `coworkers up` on `dir` in `work` (a new folder by default); `output` is what it printed so far. */
export async function startUp(dir: string, work = mkdtempSync(join(tmpdir(), 'coworkers-up-'))): Promise<{ work: string; output: () => string; stop: () => Promise<void> }> {
  const up = spawn(process.execPath, [join(process.cwd(), 'cli/main.ts'), 'up', '--dir', dir], { cwd: work, env: cleanEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(up);
  let output = '';
  up.stdout!.on('data', (chunk) => (output += chunk));
  await waitFor(async () => output.includes('Ctrl-C stops'), 'coworkers up to start');
  const stop = () =>
    new Promise<void>((resolve) => {
      up.once('exit', () => resolve());
      up.kill('SIGTERM');
    });
  return { work, output: () => output, stop };
}

/** Starts `coworkers runtime` on `dir` (distributed mode: `env` names the servers); the test waits for its coworkers itself. */
export function startRuntime(dir: string, env: NodeJS.ProcessEnv): ChildProcess {
  const runtime = spawn(process.execPath, [join(process.cwd(), 'cli/main.ts'), 'runtime', '--dir', dir], { env, stdio: 'ignore' });
  children.push(runtime);
  return runtime;
}
