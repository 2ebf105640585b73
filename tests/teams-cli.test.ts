// `coworkers gateway` as a process: with Teams configured, /api/messages is served beside the
// console, refuses requests without a Teams token, says loudly when authentication is off, and
// names what is missing from a half configuration; started before any runtime, it waits for one.
import { afterEach, describe, expect, it } from 'vitest';
import { coworkers } from './cli-processes.ts';
import { definitionYaml, uniqueName, writeDefinitions } from './helpers.ts';
import { connectAsTest, startRuntimeProcess } from './runtime-processes.ts';
import { BOT } from './teams-fake.ts';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A gateway's environment, with the stream a runtime would have made (a gateway only finds it). */
async function gatewayEnv(more: Record<string, string>): Promise<NodeJS.ProcessEnv> {
  const env = { ...process.env, MONGODB_DB: uniqueName('teamscli'), COWORKERS_SUBJECT_PREFIX: `${uniqueName('teamscli')}.v1`, CONSOLE_PORT: '0', TEAMS_PORT: '0', LOG_LEVEL: 'warn', ...more };
  await connectAsTest(env, cleanups);
  return env;
}

const dir = () => writeDefinitions({ arlo: definitionYaml('arlo') });
const teamsSettings = { TEAMS_CLIENT_ID: BOT.clientId, TEAMS_TENANT_ID: BOT.tenantId, TEAMS_CLIENT_SECRET: 'not-a-real-secret' };
const activity = { type: 'message', id: '1733000000001', channelId: 'msteams', serviceUrl: 'https://smba.trafficmanager.net/teams/', from: { id: '29:x', aadObjectId: '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d' }, conversation: { id: 'a:x', conversationType: 'personal' }, recipient: { id: `28:${BOT.clientId}` }, text: 'arlo hello' };

describe('coworkers gateway', () => {
  it('serves /api/messages and refuses requests without a Teams token', async () => {
    const gateway = await startRuntimeProcess('cli/main.ts', await gatewayEnv(teamsSettings), cleanups, { args: ['gateway', '--dir', dir()], ready: 'Ctrl-C stops' });
    const url = /Teams: (http:\/\/localhost:\d+\/api\/messages)/.exec(gateway.output())?.[1];
    expect(url).toBeDefined();
    const unsigned = await fetch(url!, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(activity) });
    expect(unsigned.status).toBe(401);
    const forged = await fetch(url!, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer e30.e30.e30' }, body: JSON.stringify(activity) });
    expect(forged.status).toBe(401);
    expect(gateway.output()).not.toContain('NOT authenticated');
    expect(gateway.errors()).not.toContain('AUTHENTICATION IS OFF');
  }, 30_000);

  it('says loudly, at every start, that TEAMS_SKIP_AUTH lets anyone in', async () => {
    const gateway = await startRuntimeProcess('cli/main.ts', await gatewayEnv({ ...teamsSettings, TEAMS_SKIP_AUTH: 'true' }), cleanups, { args: ['gateway', '--dir', dir()], ready: 'Ctrl-C stops' });
    expect(gateway.errors()).toContain('TEAMS AUTHENTICATION IS OFF');
    expect(gateway.output()).toContain('(TEAMS_SKIP_AUTH: requests are NOT authenticated)');
  }, 30_000);

  it('waits, started before any runtime, until one makes the stream', async () => {
    const env = { ...process.env, MONGODB_DB: uniqueName('teamscli'), COWORKERS_SUBJECT_PREFIX: `${uniqueName('teamscli')}.v1`, CONSOLE_PORT: '0', LOG_LEVEL: 'warn' };
    const started = startRuntimeProcess('cli/main.ts', env, cleanups, { args: ['gateway', '--dir', dir()], ready: 'Ctrl-C stops' });
    let ready = false;
    void started.then(() => (ready = true), () => {});
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(ready).toBe(false);
    await connectAsTest(env, cleanups); // as a runtime would: it makes the stream
    const gateway = await started;
    expect(gateway.errors()).toContain('waiting for a runtime to create the stream');
  }, 30_000);

  it('names what a half configuration is missing', async () => {
    const result = coworkers(['gateway', '--dir', dir()], await gatewayEnv({ TEAMS_CLIENT_ID: BOT.clientId }));
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Teams needs TEAMS_CLIENT_ID, TEAMS_CLIENT_SECRET and TEAMS_TENANT_ID; missing: TEAMS_CLIENT_SECRET, TEAMS_TENANT_ID.');
  }, 30_000);
});
