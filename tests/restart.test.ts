// A distributed runtime killed with SIGKILL comes back with every coworker in the same state,
// with the same backlog, and runs nothing again that had finished.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { assignTask } from '../gateway/index.ts';
import { PROTOCOL_VERSION, subjects, type CoworkerStatus } from '../protocol/index.ts';
import { connectAsTest, startRuntimeProcess, stopRuntimeProcess } from './runtime-processes.ts';
import { definitionYaml, uniqueName, waitFor, writeDefinitions } from './helpers.ts';
import { testIdentity } from './test-identity.ts';

interface RunLine {
  coworkerId: string;
  taskId: string;
  step: number;
  pid: number;
}

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const startRuntime = (env: NodeJS.ProcessEnv) => startRuntimeProcess('tests/fixtures/scripted-runtime.ts', env, cleanups);


describe('a distributed runtime killed with SIGKILL', () => {
  it('restores every coworker in the same state with the same backlog, and runs nothing twice', async () => {
    const dir = writeDefinitions({ wendy: definitionYaml('wendy'), arlo: definitionYaml('arlo'), bea: definitionYaml('bea') });
    // The key the runtime trusts for people's decisions: the test decides as the operator.
    const identity = testIdentity();
    const runsLog = join(mkdtempSync(join(tmpdir(), 'coworkers-runs-')), 'runs.jsonl');
    const env = {
      ...process.env,
      COWORKERS_DIR: dir,
      MONGODB_DB: uniqueName('restart'),
      COWORKERS_SUBJECT_PREFIX: `${uniqueName('restart')}.v1`,
      RUNS_LOG: runsLog,
      ...identity.env,
    };

    const { store, bus } = await connectAsTest(env, cleanups);
    let runtime = await startRuntime(env);
    const deps = { bus, store, now: Date.now };
    const send = (coworkerId: string, text: string) => assignTask(deps, { coworkerId, text, requestedBy: 'UASKER' });

    await send('wendy', 'hang: crunch the quarter');
    await send('wendy', 'summarise it');
    const approval = await send('arlo', 'approve: email the customer');
    await send('arlo', 'file the notes');
    await send('bea', 'block: which budget?');

    const statuses = async () => new Map((await store.listCoworkers()).map((c) => [c.id, c.status] as const));
    const expected = { wendy: ['working', 1], arlo: ['awaitingApproval', 1], bea: ['blocked', 0] } as const;
    const before = await waitFor(async () => {
      const now = await statuses();
      const reached = Object.entries(expected).every(([id, [state, backlog]]) => now.get(id)?.state.status === state && now.get(id)?.backlog === backlog);
      return reached && now;
    }, 'coworkers in working, awaitingApproval and blocked');

    await stopRuntimeProcess(runtime, 'SIGKILL');
    runtime = await startRuntime(env);

    const after = await statuses();
    for (const id of Object.keys(expected)) expect(after.get(id)).toEqual(before.get(id) as CoworkerStatus);

    const runs = () => readFileSync(runsLog, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as RunLine);
    // The in-flight step of wendy's task is resumed; every finished step ran once.
    await waitFor(async () => runs().filter((r) => r.coworkerId === 'wendy').length === 2, 'wendy’s run to resume');
    const count = (coworkerId: string, step: number) => runs().filter((r) => r.coworkerId === coworkerId && r.step === step).length;
    expect(count('arlo', 0)).toBe(1);
    expect(count('bea', 0)).toBe(1);
    expect(new Set(runs().filter((r) => r.coworkerId === 'wendy').map((r) => r.pid)).size).toBe(2);

    // The restored coworker goes on: the approval decides its run, then it takes its backlog.
    const decision = { v: PROTOCOL_VERSION, id: 'decide-1', coworkerId: 'arlo', at: Date.now(), type: 'approval.decide', approvalId: `${approval.id}.a1`, decision: 'approved', by: 'UMANAGER1' };
    await bus.publish(subjects.command('decision', 'arlo'), { ...decision, signature: identity.signer.sign(decision) }, { msgId: 'decide-1' });
    await waitFor(async () => (await statuses()).get('arlo')?.state.status === 'idle' && count('arlo', 0) === 2, 'arlo to finish both tasks');
    expect(count('arlo', 1)).toBe(1);
    // No step of any task ran twice, except the one that was in flight when the process died.
    const steps = runs().map((r) => `${r.taskId}#${r.step}`);
    const repeated = runs().filter((r, index) => steps.indexOf(`${r.taskId}#${r.step}`) !== index);
    expect(repeated.map((r) => r.coworkerId)).toEqual(['wendy']);
  }, 60_000);
});
