// connectors.yaml: each section checked by its connector's own schema, problems with their line,
// secrets from the environment or a secrets file, and everything built closed again on a failure.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createSqliteStore } from '../persistence/index.ts';
import { defineConnector } from './connector-kit.ts';
import type { ConnectorFactory } from './connector-deps.ts';
import { createConfiguredConnectors, createSecrets, readConnectorsConfig } from './connectors-config.ts';

const logger = pino({ level: 'silent' });

function folderWith(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'coworkers-connectors-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

const closed: string[] = [];
const pingSettings = z.strictObject({ port: z.number().int().describe('The port'), tokenEnv: z.string().default('PING_TOKEN') });
const factory = (name: string): ConnectorFactory<typeof pingSettings> => ({
  name,
  settings: pingSettings,
  async create(settings, deps) {
    const token = deps.secret(settings.tokenEnv);
    deps.onClose(async () => void closed.push(name));
    return defineConnector({
      name,
      description: `${name} on port ${settings.port}`,
      tools: { ping: { description: 'Ping', risk: 'read', input: z.strictObject({}), run: async () => ({ tokenLength: token.length }) } },
    });
  },
});

async function build(dir: string, env: NodeJS.ProcessEnv = { PING_TOKEN: 'secret' }) {
  const store = createSqliteStore({ path: ':memory:' });
  try {
    return await createConfiguredConnectors({
      config: readConnectorsConfig(dir),
      factories: { ping: async () => factory('ping'), pong: async () => factory('pong') },
      documents: store.documents,
      secret: createSecrets({ env }),
      baseDir: dir,
      dataDir: dir,
      logger,
    });
  } finally {
    await store.close();
  }
}

describe('connectors.yaml', () => {
  it('builds every configured connector, and none without the file', async () => {
    const built = await build(folderWith({ 'connectors.yaml': 'ping: { port: 1 }\npong:\n  port: 2\n' }));
    expect(built.connectors.map((connector) => connector.description)).toEqual(['ping on port 1', 'pong on port 2']);
    await built.close();
    expect((await build(folderWith({}))).connectors).toEqual([]);
  });

  it('names an unknown connector with its line and the ones that exist', async () => {
    await expect(build(folderWith({ 'connectors.yaml': 'ping: { port: 1 }\nslackk: {}\n' }))).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
      message: expect.stringMatching(/connectors\.yaml:2:\d+: unknown connector "slackk"; the connectors are ping, pong/),
    });
  });

  it('reports a bad setting with its line, and closes what was already built', async () => {
    closed.length = 0;
    const dir = folderWith({ 'connectors.yaml': 'ping: { port: 1 }\npong:\n  port: "two"\n' });
    await expect(build(dir)).rejects.toMatchObject({ code: 'CONFIG_INVALID', message: expect.stringMatching(/connectors\.yaml:3:9: pong\.port: .*number/) });
    expect(closed).toEqual(['ping']);
  });

  it('says which secret is missing and where to put it, and reads a secrets file', async () => {
    const dir = folderWith({ 'connectors.yaml': 'ping: { port: 1 }\n', 'secrets.env': 'PING_TOKEN=from-file\n' });
    await expect(build(dir, {})).rejects.toMatchObject({ code: 'CONFIG_INVALID', message: 'The secret PING_TOKEN is not set.', hint: expect.stringContaining('COWORKERS_SECRETS_FILE') });
    const built = await build(dir, { COWORKERS_SECRETS_FILE: join(dir, 'secrets.env') });
    const [ping] = built.connectors;
    await expect(ping!.call({ v: 1, tool: 'ping.ping', args: {}, coworkerId: 'ava', runId: 'r', idempotencyKey: 'k' })).resolves.toMatchObject({ result: { tokenLength: 9 } });
    expect(createSecrets({ env: { PING_TOKEN: 'env', COWORKERS_SECRETS_FILE: join(dir, 'secrets.env') } })('PING_TOKEN')).toBe('env');
  });

  it('points at invalid YAML', async () => {
    await expect(build(folderWith({ 'connectors.yaml': 'ping: { port: 1\n' }))).rejects.toMatchObject({ code: 'CONFIG_INVALID', message: expect.stringMatching(/connectors\.yaml:\d+:\d+: invalid YAML/) });
  });
});
