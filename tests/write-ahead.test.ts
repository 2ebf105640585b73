// Issue 14: a run is write-ahead. A model that answers differently every time (random note texts)
// drives a real runtime process, SIGKILLed right after the model answered, as the first call went
// out, between two autonomous calls, and after the last call ran but before the runner saw its
// reply; then restarted. Judged from outside: the connector's file (one line per execution), what
// the runtime printed as it sent calls, and what the fake model was asked.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { embeddedPaths } from '../cli/runtime.ts';
import { assignTask, createControlClient } from '../gateway/index.ts';
import type { AuditEntry } from '../protocol/index.ts';
import { startOpenAIFake, type OpenAIFake } from './openai-fake.ts';
import { connectAsTest, startRuntimeProcess, stopRuntimeProcess } from './runtime-processes.ts';
import { judgeRun } from './write-ahead-judge.ts';
import { definitionYaml, uniqueName, waitFor, writeDefinitions } from './helpers.ts';

const MANAGER = 'UMANAGER1';
const TURNS_WITH_CALLS = 2;
const CALLS_PER_TURN = 3;

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A folder of the test's own, removed after the processes using it are killed (they start later). */
function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** How the test reaches the deployment from outside: it gives the task and reads the audit trail. */
interface Deployment {
  env: NodeJS.ProcessEnv;
  assign(): Promise<string>;
  audit(runId: string): Promise<AuditEntry[]>;
  /** The task the stored status says the coworker works on. */
  currentTask(): Promise<string | undefined>;
}

async function distributed(env: NodeJS.ProcessEnv): Promise<Deployment> {
  const names = { MONGODB_DB: uniqueName('wal'), COWORKERS_SUBJECT_PREFIX: `${uniqueName('wal')}.v1` };
  const { store, bus } = await connectAsTest({ ...env, ...names }, cleanups);
  return {
    env: { ...env, ...names },
    assign: async () => (await assignTask({ bus, store, now: Date.now }, { coworkerId: 'nora', text: 'add the notes', requestedBy: MANAGER })).id,
    audit: (runId) => store.queryAudit({ coworkerId: 'nora', runId }),
    currentTask: async () => (await store.getCoworker('nora'))?.status?.currentTaskId,
  };
}

async function embedded(env: NodeJS.ProcessEnv): Promise<Deployment> {
  const data = tempDir('coworkers-wal-');
  const control = createControlClient(embeddedPaths(data).socket);
  return {
    env: { ...env, COWORKERS_DATA: data },
    assign: async () => (await control.assignTask({ coworkerId: 'nora', text: 'add the notes', requestedBy: MANAGER })).id,
    audit: (runId) => control.readAudit({ coworkerId: 'nora', runId }),
    currentTask: async () => (await control.listCoworkers()).find((coworker) => coworker.id === 'nora')?.status?.currentTaskId,
  };
}

/** Where the first process dies: the hold that stops it there, and how the test knows it got there. */
interface KillPoint {
  name: string;
  hold: NodeJS.ProcessEnv;
  reached(fake: OpenAIFake, output: () => string): Promise<unknown>;
}

const killPoints: KillPoint[] = [
  // Nothing may run before the kill: the first call waits. Whether the turn was stored by then is the runtime's race.
  { name: 'right after the model answered', hold: { HOLD_BEFORE_CALL: '1' }, reached: (fake) => fake.answered(1) },
  // The first call is about to go out, so its turn must be stored: the restart runs it without asking again.
  { name: 'as the first call went out', hold: { HOLD_BEFORE_CALL: '1' }, reached: (_, output) => waitFor(async () => output().includes('calling 1 '), 'the first call') },
  { name: 'between two autonomous calls', hold: { HOLD_BEFORE_CALL: '2' }, reached: (_, output) => waitFor(async () => output().includes('calling 2 '), 'the second call') },
  {
    name: 'after the last call ran, before the runner recorded it',
    hold: { HOLD_AFTER_CALL: String(CALLS_PER_TURN) },
    reached: (_, output) => waitFor(async () => output().includes(`replied ${CALLS_PER_TURN} `), 'the last call to run'),
  },
];

const modes = [
  { mode: 'distributed', deploy: distributed },
  { mode: 'embedded', deploy: embedded },
] as const;

describe.each(modes)('a write-ahead run, $mode', ({ mode, deploy }) => {
  it.each(killPoints)('runs every stored call once and no lost one when killed $name', async (point) => {
    const taskStored = Promise.withResolvers<unknown>();
    const fake = await startOpenAIFake({ turnsWithCalls: TURNS_WITH_CALLS, calls: CALLS_PER_TURN, answerAfter: () => taskStored.promise });
    cleanups.push(fake.close);
    const notesFile = join(tempDir('coworkers-notes-'), 'notes.tsv');
    const dir = writeDefinitions({ nora: `${definitionYaml('nora', { manager: MANAGER })}tools: [notes.add]\n` });
    const deployment = await deploy({ ...process.env, COWORKERS_DIR: dir, NOTES_FILE: notesFile, OPENAI_BASE_URL: fake.baseURL });
    const start = (env: NodeJS.ProcessEnv) => startRuntimeProcess('tests/fixtures/write-ahead-runtime.ts', env, cleanups, { args: [mode] });

    const first = await start({ ...deployment.env, ...point.hold });
    const runId = await deployment.assign();
    taskStored.resolve(await waitFor(async () => (await deployment.currentTask()) === runId, 'the task to be stored'));
    await point.reached(fake, first.output);
    await stopRuntimeProcess(first, 'SIGKILL');

    const second = await start(deployment.env);
    await waitFor(async () => (await deployment.audit(runId)).some((entry) => entry.kind === 'run.finished'), 'the run to finish after the restart', 20_000).catch(
      (error: Error) => expect.fail(`${error.message}; the runtime said: ${second.output()}${second.errors()}; the model was asked: ${JSON.stringify(fake.answers.map((answer) => answer.position))}`),
    );
    await stopRuntimeProcess(second, 'SIGTERM');

    const { timesAsked, violations } = judgeRun({ answers: fake.answers, executions: readFileSync(notesFile, 'utf8'), outputs: [first.output(), second.output()] });
    const found = { requestsOpenAIWouldRefuse: fake.invalid, ...violations };
    expect(found, 'what a write-ahead run never does').toEqual(Object.fromEntries(Object.keys(found).map((name) => [name, []])));
    expect(timesAsked, 'turns the model was asked for').toHaveLength(TURNS_WITH_CALLS + 1);
    expect(Math.max(...timesAsked), `times the model was asked for one turn, with one kill (${timesAsked.join(', ')})`).toBeLessThanOrEqual(2);
  }, 40_000);
});
