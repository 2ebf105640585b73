// Commands nobody can take are set aside, not dropped: published as a third party would (raw
// JetStream, no bus port), they show in `coworkers dead-letters` with the reason and the payload.
import { afterEach, describe, expect, it } from 'vitest';
import { connect } from '@nats-io/transport-node';
import { jetstream } from '@nats-io/jetstream';
import { MongoClient } from 'mongodb';
import { subjects } from '../protocol/index.ts';
import { cleanEnv, coworkers, killCliProcesses, startRuntime, startUp } from './cli-processes.ts';
import { definitionYaml, uniqueName, waitFor, writeDefinitions } from './helpers.ts';

afterEach(killCliProcesses);

describe('coworkers dead-letters', () => {
  it('lists the malformed commands a runtime set aside, oldest first, with their counts (distributed mode)', async () => {
    const dir = writeDefinitions({ ada: definitionYaml('ada') });
    const env = { ...cleanEnv, NATS_URL: process.env.NATS_URL, MONGODB_URI: process.env.MONGODB_URI, MONGODB_DB: uniqueName('dlq'), COWORKERS_SUBJECT_PREFIX: `${uniqueName('dlq')}.v2` };
    const nats = await connect({ servers: process.env.NATS_URL! });
    const mongo = await new MongoClient(process.env.MONGODB_URI!).connect();
    try {
      startRuntime(dir, env);
      await waitFor(async () => {
        const result = coworkers(['list', '--json'], env);
        return result.code === 0 && (JSON.parse(result.stdout) as Array<{ status: unknown }>).some((summary) => summary.status !== null);
      }, 'the runtime to host ada', 20_000);

      const subject = `${env.COWORKERS_SUBJECT_PREFIX}.${subjects.command('task', 'ada')}`;
      const js = jetstream(nats);
      await js.publish(subject, JSON.stringify({ v: 2, type: 'task.assign', coworkerId: 'ada' }), { msgID: 'bad-1' });
      await js.publish(subject, '{"type": task.assign', { msgID: 'bad-2' });

      const listing = await waitFor(async () => {
        const result = coworkers(['dead-letters', '--json'], env);
        const parsed = result.code === 0 ? (JSON.parse(result.stdout) as { count: number; byReason: object; deadLetters: Array<Record<string, unknown>> }) : null;
        return parsed?.count === 2 && parsed;
      }, 'both commands in the dead letters', 20_000);
      expect(listing.byReason).toEqual({ malformed: 2 });
      expect(listing.deadLetters).toEqual([
        expect.objectContaining({ reason: 'malformed', subject: subjects.command('task', 'ada'), payload: { v: 2, type: 'task.assign', coworkerId: 'ada' }, detail: expect.stringContaining('v') }),
        expect.objectContaining({ reason: 'malformed', subject: subjects.command('task', 'ada'), payload: '{"type": task.assign', detail: expect.stringContaining('not JSON') }),
      ]);

      const text = coworkers(['dead-letters'], env);
      expect(text.code).toBe(0);
      expect(text.stdout).toContain('2 dead letters (malformed: 2), oldest first:');
      expect(text.stdout).toContain(`malformed  ${subjects.command('task', 'ada')}`);
      expect(coworkers(['dead-letters', '--since', '2099-01-01', '--json'], env).stdout).toContain('"count": 0');
    } finally {
      await nats.close();
      await mongo.db(env.MONGODB_DB).dropDatabase();
      await mongo.close();
    }
  }, 60_000);

  it('asks the running up in embedded mode', async () => {
    const { work } = await startUp(writeDefinitions({ ada: definitionYaml('ada') }));
    const result = coworkers(['dead-letters'], cleanEnv, work);
    expect(result.stderr).toBe('');
    expect(result.stdout).toContain('No dead letters');
  }, 30_000);
});
