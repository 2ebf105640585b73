// The secrets a process knows: its own variables, those connectors.yaml names (in the environment
// or COWORKERS_SECRETS_FILE), MongoDB's password and the NATS seed.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { collectSecrets, createProcessScrubber } from './secrets.ts';

it('collects the chat, console and model secrets, every secret connectors.yaml names, the MongoDB password and the NATS seed', () => {
  const dir = mkdtempSync(join(tmpdir(), 'secrets-'));
  writeFileSync(
    join(dir, 'connectors.yaml'),
    [
      'hubspot: { tokenEnv: HUBSPOT_PRIVATE_APP }',
      'webhook:',
      '  targets:',
      '    billing: { url: "https://example.com", headersEnv: { Authorization: BILLING_AUTH } }',
      'mcp:',
      '  servers:',
      '    files: { command: npx, env: { GITHUB_PAT: MY_GITHUB }, risk: { default: read } }',
    ].join('\n'),
  );
  writeFileSync(join(dir, 'secrets.env'), 'BILLING_AUTH=Bearer billing-0123456789\n');
  writeFileSync(join(dir, 'runtime.nk'), 'SUAMLK2ZNL35WSMW37E7UD4VZ7ELPKW7DHC3BWBSD2GCZ7IUQQXZIORRBU\n');
  const env = {
    HUBSPOT_PRIVATE_APP: 'pat-na1-abcdefgh',
    MY_GITHUB: 'ghp_abcdefghijklmnop',
    COWORKERS_SECRETS_FILE: join(dir, 'secrets.env'),
    SLACK_BOT_TOKEN: 'xoxb-1-2-3-abcdef',
    COWORKERS_OIDC_CLIENT_SECRET: 'oidc-secret-0123456789',
    ANTHROPIC_API_KEY: 'sk-ant-0123456789',
    MONGODB_URI: 'mongodb://app:p%40ssw0rd-long@db1:27017,db2:27017/coworkers',
    NATS_NKEY_FILE: join(dir, 'runtime.nk'),
    HOME: '/home/someone',
  };
  const secrets = collectSecrets({ env, dir });
  expect(secrets).toEqual({
    HUBSPOT_PRIVATE_APP: 'pat-na1-abcdefgh',
    MY_GITHUB: 'ghp_abcdefghijklmnop',
    BILLING_AUTH: 'Bearer billing-0123456789',
    SLACK_BOT_TOKEN: 'xoxb-1-2-3-abcdef',
    COWORKERS_OIDC_CLIENT_SECRET: 'oidc-secret-0123456789',
    ANTHROPIC_API_KEY: 'sk-ant-0123456789',
    MONGODB_URI: ['p%40ssw0rd-long', 'p@ssw0rd-long'],
    NATS_NKEY_FILE: 'SUAMLK2ZNL35WSMW37E7UD4VZ7ELPKW7DHC3BWBSD2GCZ7IUQQXZIORRBU',
  });
  const { scrubText } = createProcessScrubber({ env, dir });
  expect(scrubText('connecting to mongodb://app:p%40ssw0rd-long@db1 as p@ssw0rd-long')).toBe('connecting to mongodb://app:[secret:MONGODB_URI]@db1 as [secret:MONGODB_URI]');
});

it('collects what it can when connectors.yaml is broken or missing', () => {
  const dir = mkdtempSync(join(tmpdir(), 'secrets-'));
  writeFileSync(join(dir, 'connectors.yaml'), 'hubspot: [unclosed');
  expect(collectSecrets({ env: { OPENAI_API_KEY: 'sk-0123456789' }, dir })).toEqual({ OPENAI_API_KEY: 'sk-0123456789' });
  expect(collectSecrets({ env: {}, dir: join(dir, 'nowhere') })).toEqual({});
});
