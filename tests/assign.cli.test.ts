// `coworkers assign` as an operator runs it: against a running `up` (the control socket) and
// against a distributed runtime (NATS, MongoDB), with people and teams from the definitions' folder.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MongoClient } from 'mongodb';
import { cleanEnv, coworkers, killCliProcesses, startRuntime, startUp } from './cli-processes.ts';
import { definitionYaml, uniqueName, waitFor, writeDefinitions } from './helpers.ts';

afterEach(killCliProcesses);

/** Two coworkers of the sales team, its people and both teams. */
function deployment(): string {
  const dir = writeDefinitions({ ada: definitionYaml('ada', { team: 'sales', manager: 'UDANIEL01' }), bo: definitionYaml('bo', { team: 'sales', manager: 'UDANIEL01' }) });
  writeFileSync(
    join(dir, 'users.yaml'),
    [
      'users:',
      '  - { login: daniel, name: Daniel Okafor, slack: UDANIEL01, email: daniel@example.com }',
      '  - { login: maria, name: Maria Lopez, slack: UMARIA001, email: maria@example.com }',
      '  - { login: noel, name: Noel No-Mail, slack: UNOEL0001 }',
    ].join('\n'),
  );
  writeFileSync(
    join(dir, 'teams.yaml'),
    ['teams:', '  - { id: sales, name: Sales, members: [daniel, noel], channels: ["#sales"] }', '  - { id: marketing, name: Marketing, members: [maria] }'].join('\n'),
  );
  return dir;
}


type Summary = { id: string; team: string; manager: { name: string; id: string } };
const placements = (stdout: string) => (JSON.parse(stdout) as Summary[]).map((s) => `${s.id}:${s.team}:${s.manager.id}`).sort();

describe('coworkers assign (embedded mode)', () => {
  it('moves a coworker to another team and manager live, audits it, keeps it over a restart and refuses what cannot be', async () => {
    const dir = deployment();
    const { work, stop } = await startUp(dir);

    const moved = coworkers(['assign', 'ada', '--team', 'marketing', '--manager', 'maria', '--dir', dir, '--as', 'cli:ops'], cleanEnv, work);
    expect(moved.stderr).toBe('');
    expect(moved.stdout).toContain('ada is now on team Marketing, reporting to Maria Lopez (UMARIA001) (was Sales, Manager of ada); its approvals, reports and escalations go to Maria Lopez.');
    expect(placements(coworkers(['list', '--json'], cleanEnv, work).stdout)).toEqual(['ada:marketing:UMARIA001', 'bo:sales:UDANIEL01']);
    const trail = JSON.parse(coworkers(['audit', 'ada', '--json'], cleanEnv, work).stdout) as Array<{ kind: string; by: string; detail?: unknown }>;
    expect(trail.filter((entry) => entry.kind === 'assigned')).toEqual([
      expect.objectContaining({ by: 'cli:ops', detail: { from: { team: 'sales', manager: 'UDANIEL01' }, to: { team: 'marketing', manager: 'UMARIA001' } } }),
    ]);

    const refusals: Array<[string[], string]> = [
      [['assign', 'ada', '--team', 'nowhere'], 'There is no team "nowhere" in teams.yaml.'],
      [['assign', 'bo', '--manager', 'zed'], 'Nobody called "zed" is in users.yaml.'],
      [['assign', 'bo', '--manager', 'noel'], 'Noel No-Mail has no email in users.yaml'],
      [['assign', 'bo', '--manager', 'maria'], 'Maria Lopez is not a member of team sales'],
      [['assign', 'zed', '--team', 'sales'], 'There is no coworker "zed".'],
      [['assign', 'bo'], 'assign needs a coworker and --team, --manager or both.'],
    ];
    for (const [args, message] of refusals) {
      const result = coworkers([...args, '--dir', dir], cleanEnv, work);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(message);
    }
    expect(coworkers(['assign', 'bo', '--team', 'sales', '--manager', 'UDANIEL01', '--dir', dir], cleanEnv, work).stdout).toContain('bo already is on team Sales');

    // The assignment is stored: a restart runs Ada on marketing under Maria.
    await stop();
    await startUp(dir, work);
    expect(placements(coworkers(['list', '--json'], cleanEnv, work).stdout)).toEqual(['ada:marketing:UMARIA001', 'bo:sales:UDANIEL01']);
  }, 60_000);
});

describe('coworkers assign (distributed mode)', () => {
  it('assigns over NATS and MongoDB', async () => {
    const dir = deployment();
    const env = { ...cleanEnv, NATS_URL: process.env.NATS_URL, MONGODB_URI: process.env.MONGODB_URI, MONGODB_DB: uniqueName('assign'), COWORKERS_SUBJECT_PREFIX: `${uniqueName('assign')}.v1` };
    const mongo = await new MongoClient(process.env.MONGODB_URI!).connect();
    try {
      startRuntime(dir, env);
      await waitFor(async () => {
        const result = coworkers(['list', '--json'], env);
        return result.code === 0 && (JSON.parse(result.stdout) as Array<{ status: unknown }>).filter((s) => s.status !== null).length === 2;
      }, 'the runtime to start its coworkers', 20_000);
      const moved = coworkers(['assign', 'bo', '--team', 'marketing', '--manager', 'UMARIA001', '--dir', dir, '--json'], env);
      expect(JSON.parse(moved.stdout)).toEqual({
        status: 'applied',
        coworkerId: 'bo',
        from: { team: 'sales', manager: { name: 'Manager of bo', id: 'UDANIEL01' } },
        to: { team: 'marketing', manager: { name: 'Maria Lopez', id: 'UMARIA001' } },
      });
      expect(placements(coworkers(['list', '--json'], env).stdout)).toEqual(['ada:sales:UDANIEL01', 'bo:marketing:UMARIA001']);
    } finally {
      await mongo.db(env.MONGODB_DB).dropDatabase();
      await mongo.close();
    }
  }, 60_000);
});
