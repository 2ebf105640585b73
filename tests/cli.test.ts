// The `coworkers` command as a person runs it: separate processes, real output, exit codes.
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { writeExampleData } from '../scripts/example-data.ts';
import { freePort } from '../scripts/test-servers.ts';
import { connect } from '@nats-io/transport-node';
import { MongoClient } from 'mongodb';
import { cleanEnv, coworkers, killCliProcesses, startRuntime, startUp } from './cli-processes.ts';
import { definitionYaml, uniqueName, waitFor, writeDefinitions } from './helpers.ts';

afterEach(killCliProcesses);

describe('coworkers validate', () => {
  it('accepts the examples', () => {
    const result = coworkers(['validate', 'examples']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('3 coworker definitions valid: ava, otto, sam');
  });

  it('prints every problem as file:line:column with a hint, and exits 1', () => {
    const dir = writeDefinitions({
      broken: definitionYaml('broken').replace('timezone: UTC', 'timezone: Mars/Olympus').replace('role: Test coworker', 'role: Test coworker\ntimzone: UTC'),
      one: definitionYaml('one'),
      twin: definitionYaml('one'),
    });
    const result = coworkers(['validate', dir]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/broken\.yaml:\d+:\d+: .*unknown time zone/);
    expect(result.stderr).toMatch(/broken\.yaml:\d+:\d+: .*unknown field "timzone".*did you mean "timezone"/);
    expect(result.stderr).toMatch(/twin\.yaml:1:5: .*one\.yaml/);
    expect(result.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });
});

describe('coworkers up, list and send (embedded mode)', () => {
  it('refuses to start from an invalid definition', () => {
    const dir = writeDefinitions({ nobody: definitionYaml('nobody').replace(/manager:\n(  .*\n){3}/, '') });
    const result = coworkers(['up', '--dir', dir, '--data', mkdtempSync(join(tmpdir(), 'coworkers-data-'))]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/nobody\.yaml:\d+:\d+: .*missing "manager"/);
  });

  it('lists the coworkers of a running up and gives them tasks', async () => {
    const dir = writeDefinitions({ ada: definitionYaml('ada', { team: 'sales' }), bo: definitionYaml('bo', { team: 'ops', manager: 'UOTHER1' }) });
    const { work, output } = await startUp(dir);

    const listed = coworkers(['list', '--json'], cleanEnv, work);
    expect(listed.code).toBe(0);
    const summaries = JSON.parse(listed.stdout) as Array<{ id: string; team: string; manager: { id: string }; status: { state: { status: string } } }>;
    expect(summaries.map((s) => [s.id, s.team, s.manager.id, s.status.state.status])).toEqual([
      ['bo', 'ops', 'UOTHER1', 'idle'],
      ['ada', 'sales', 'UMANAGER1', 'idle'],
    ]);
    expect(coworkers(['list'], cleanEnv, work).stdout).toMatch(/ada\s+Ada\s+sales\s+Manager of ada \(UMANAGER1\)\s+idle \(onDuty\)\s+0/);

    const sent = coworkers(['send', 'ada', 'Summarise', 'the', 'pipeline'], cleanEnv, work);
    expect(sent.code).toBe(0);
    expect(sent.stdout).toMatch(/Task .+ queued for ada\./);
    await waitFor(async () => output().includes('ada → cli:'), 'the answer printed by up');
    expect(output()).toContain('[scripted model');
    expect(output()).toContain('Summarise the pipeline');

    const second = coworkers(['up', '--dir', dir], cleanEnv, work);
    expect(second.code).toBe(1);
    expect(second.stderr).toContain('A "coworkers up" is already running');
    expect(coworkers(['list'], cleanEnv, work).code).toBe(0); // the first one still answers

    const unknown = coworkers(['send', 'zed', 'hello'], cleanEnv, work);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('There is no coworker "zed".');
    expect(unknown.stderr).toContain('Known coworkers: ada, bo.');
  });

  it("runs an example job with the examples' connectors, and decides its approval from the command line", async () => {
    // Ava from the examples, on duty around the clock so the test does not depend on the hour.
    const ava = readFileSync('examples/ava.yaml', 'utf8').replace(/workingHours:\n(  .*\n)+/, 'workingHours: { days: [mon, tue, wed, thu, fri, sat, sun], start: "00:00", end: "00:00" }\n');
    const dir = writeDefinitions({ ava });
    copyFileSync('examples/connectors.yaml', join(dir, 'connectors.yaml'));
    writeExampleData(dir);
    const { work, output } = await startUp(dir);

    expect(coworkers(['send', 'ava', '--job', 'weekly-ad-report', '--as', 'U04MARIA01'], cleanEnv, work).code).toBe(0);
    const pending = await waitFor(async () => {
      const listed = JSON.parse(coworkers(['approvals', '--json'], cleanEnv, work).stdout) as Array<{ id: string; tool: string; args: { to: string[] } }>;
      return listed.length > 0 && listed;
    }, 'the email approval');
    expect(pending).toMatchObject([{ tool: 'email.send', args: { to: ['agency@example.com'] } }]);
    const approvalId = pending[0]!.id;
    const listedText = coworkers(['approvals'], cleanEnv, work).stdout;
    expect(listedText).toContain(`coworkers approve ${approvalId} --as U04MARIA01`);
    expect(listedText).toMatch(/\n {2}why gated: .+\n {2}to: +agency@example\.com\n {2}subject: /); // the recipient first

    const stranger = coworkers(['approve', approvalId, '--as', 'U0STRANGER'], cleanEnv, work);
    expect(stranger.code).toBe(1);
    expect(stranger.stderr).toContain('ava refused the decision: not an approver of this coworker');
    const approved = coworkers(['approve', approvalId, '--as', 'U04MARIA01'], cleanEnv, work);
    expect(approved.stdout).toContain(`Approval ${approvalId} approved by U04MARIA01`);
    const again = coworkers(['reject', approvalId, '--as', 'U04MARIA01', '--reason', 'too late'], cleanEnv, work);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(`No approval ${approvalId} is waiting for a decision.`);
    await waitFor(async () => output().includes('ava → manager U04MARIA01: [scripted model'), 'the report to the manager');

    // The examples write sent mail to the outbox in the data folder, once.
    const outbox = join(work, '.coworkers', 'outbox');
    const sent = await waitFor(async () => existsSync(outbox) && readdirSync(outbox).length > 0 && readdirSync(outbox), 'the mail in the outbox');
    expect(sent).toHaveLength(1);
    expect(readFileSync(join(outbox, sent[0]!), 'utf8')).toMatch(/^To: agency@example\.com$/m);

    const trail = JSON.parse(coworkers(['audit', 'ava', '--json'], cleanEnv, work).stdout) as Array<{ kind: string; by: string; tool?: string; runId: string }>;
    expect(trail.filter((entry) => entry.kind === 'tool.executed' && entry.tool === 'email.send')).toHaveLength(1);
    expect(trail).toContainEqual(expect.objectContaining({ kind: 'approval.refused', by: 'U0STRANGER' }));
    expect(trail).toContainEqual(expect.objectContaining({ kind: 'approval.decided', by: 'U04MARIA01' }));
    const runId = trail[0]!.runId;
    expect(coworkers(['audit', 'ava', '--run', runId], cleanEnv, work).stdout).toMatch(/run\.started\s+ava/);
    expect(coworkers(['audit', 'ava', '--run', 'no-such-run'], cleanEnv, work).stdout).toContain('No audit entries.');
    expect(coworkers(['audit', 'ava', '--since', '1h', '--job', 'weekly-ad-report', '--json'], cleanEnv, work).stdout).toContain('"kind": "tool.executed"');
    expect(coworkers(['audit', 'ava', '--since', 'yesterday'], cleanEnv, work).stderr).toContain('--since "yesterday" is neither a time nor a duration.');
  }, 60_000);

  it('says no up is running in a folder without one', () => {
    const result = coworkers(['list'], cleanEnv, mkdtempSync(join(tmpdir(), 'coworkers-empty-')));
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('No running "coworkers up" answers');
    expect(result.stderr).toContain('hint: Start it in this folder with "npm start"');
  });
});

describe('coworkers runtime, list and send (distributed mode)', () => {
  it('lists the coworkers of a runtime and gives them tasks over NATS', async () => {
    const dir = writeDefinitions({ ada: definitionYaml('ada'), bo: definitionYaml('bo') });
    const env = { ...cleanEnv, NATS_URL: process.env.NATS_URL, MONGODB_URI: process.env.MONGODB_URI, MONGODB_DB: uniqueName('cli'), COWORKERS_SUBJECT_PREFIX: `${uniqueName('cli')}.v1` };
    const nats = await connect({ servers: process.env.NATS_URL! });
    const replies: string[] = [];
    const subscription = nats.subscribe(`${env.COWORKERS_SUBJECT_PREFIX}.evt.ada.message`, { callback: (_error, message) => void replies.push(message.string()) });
    const mongo = await new MongoClient(process.env.MONGODB_URI!).connect();
    try {
      startRuntime(dir, env);
      const listed = await waitFor(async () => {
        const result = coworkers(['list', '--json'], env);
        const summaries = result.code === 0 ? (JSON.parse(result.stdout) as Array<{ id: string; status: unknown }>) : [];
        return summaries.length === 2 && summaries.every((s) => s.status !== null) && summaries;
      }, 'the runtime to register its coworkers', 20_000);
      expect(listed.map((s) => s.id)).toEqual(['ada', 'bo']);

      const sent = coworkers(['send', 'ada', 'Draft', 'the', 'agenda', '--as', 'UASKER1'], env);
      expect(sent.code).toBe(0);
      await waitFor(async () => replies.length === 2, 'the report to the manager and the answer to the asker');
      expect(replies.map((reply) => JSON.parse(reply))).toContainEqual(
        expect.objectContaining({ type: 'message', to: { kind: 'user', id: 'UASKER1' }, text: expect.stringContaining('Draft the agenda') }),
      );
    } finally {
      subscription.unsubscribe();
      await nats.close();
      await mongo.db(env.MONGODB_DB).dropDatabase();
      await mongo.close();
    }
  }, 60_000);
});

describe('coworkers against servers that are not there', () => {
  it('prints a clear error and no stack trace', async () => {
    const env = { ...cleanEnv, NATS_URL: `nats://127.0.0.1:${await freePort()}`, MONGODB_URI: `mongodb://127.0.0.1:${await freePort()}/` };
    for (const args of [['list'], ['send', 'ada', 'hi'], ['runtime', '--dir', 'examples']]) {
      const result = coworkers(args, env);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/error: Cannot reach the (MongoDB|NATS) server at/);
      expect(result.stderr).toContain('hint:');
      expect(result.stderr).not.toMatch(/\n\s+at /);
    }
  });

  it('names the missing server for the distributed mode', () => {
    const result = coworkers(['runtime', '--dir', 'examples'], { ...cleanEnv, NATS_URL: 'nats://127.0.0.1:4222' });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('MONGODB_URI must be set for the distributed mode.');
  });
});
