// `coworkers nats-config --out <dir>`: one NATS identity per service kind. Writes the server's
// config (JetStream, and an nkey user per identity with its subject permissions), a seed file per
// identity (the process's NATS login and its signing key), and identities.json, the public keys
// by role that processes trust signatures from. Seeds already there are kept: rotating a key
// means restarting every process that uses it, so it only happens when asked (--rotate).
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createUser, fromSeed } from '@nats-io/nkeys';
import { readConnectorsConfig } from '../connectors/index.ts';
import { CoworkersError } from '../protocol/index.ts';
import { connectorPermissions, gatewayPermissions, operatorPermissions, runtimePermissions, type RolePermissions } from './nats-permissions.ts';

export const SERVER_CONFIG_FILE = 'nats-server.conf';
export const TRUST_FILE = 'identities.json';

/** What identities.json holds: the public keys ("U…") of each role. */
export interface IdentitiesFile {
  prefix: string;
  runtimes: string[];
  gateways: string[];
  operators: string[];
  connectors: Record<string, string>;
}

export interface NatsConfigOptions {
  out: string;
  /** The definitions folder, where connectors.yaml is. */
  dir: string;
  prefix: string;
  /** JetStream's store directory, as the server sees it. */
  storeDir?: string;
  /** Make new seeds even where some exist. */
  rotate?: boolean;
}

export interface NatsConfigResult {
  files: string[];
  /** Seeds made this time (the others were kept). */
  created: string[];
  identities: IdentitiesFile;
}

interface Identity {
  file: string;
  permissions: RolePermissions;
}

export function writeNatsConfig(options: NatsConfigOptions): NatsConfigResult {
  const out = resolve(options.out);
  mkdirSync(out, { recursive: true, mode: 0o700 });
  const { prefix } = options;
  const connectors = Object.keys(readConnectorsConfig(options.dir).sections).sort();
  const identities: Identity[] = [
    { file: 'runtime.nk', permissions: runtimePermissions(prefix) },
    { file: 'gateway.nk', permissions: gatewayPermissions(prefix) },
    { file: 'operator.nk', permissions: operatorPermissions(prefix) },
    ...connectors.map((name) => ({ file: `connector-${name}.nk`, permissions: connectorPermissions(prefix, name) })),
  ];
  const created: string[] = [];
  const keys = new Map<string, string>();
  for (const identity of identities) {
    const path = join(out, identity.file);
    const kept = options.rotate ? null : readExistingSeed(path);
    const seed = kept ?? createUser().getSeed();
    if (!kept) {
      writeSecret(path, `${new TextDecoder().decode(seed)}\n`);
      created.push(path);
    }
    keys.set(identity.file, fromSeed(seed).getPublicKey());
  }
  const key = (file: string) => keys.get(file)!;
  const trusted: IdentitiesFile = {
    prefix,
    runtimes: [key('runtime.nk')],
    gateways: [key('gateway.nk')],
    operators: [key('operator.nk')],
    connectors: Object.fromEntries(connectors.map((name) => [name, key(`connector-${name}.nk`)])),
  };
  const configFile = join(out, SERVER_CONFIG_FILE);
  const trustFile = join(out, TRUST_FILE);
  writeFileSync(configFile, serverConfig(identities.map((identity) => ({ ...identity, key: key(identity.file) })), options.storeDir ?? join(out, 'jetstream')));
  writeFileSync(trustFile, `${JSON.stringify(trusted, null, 2)}\n`);
  return { files: [configFile, trustFile, ...identities.map((identity) => join(out, identity.file))], created, identities: trusted };
}

/** The seed in a file written before, or null when there is none; a damaged one is an error, not silently replaced. */
function readExistingSeed(path: string): Uint8Array | null {
  if (!existsSync(path)) return null;
  const seed = new TextEncoder().encode(readFileSync(path, 'utf8').trim());
  try {
    fromSeed(seed);
  } catch {
    throw new CoworkersError('CONFIG_INVALID', `${path} does not hold an nkey user seed (a line starting with SU).`, {
      hint: 'Restore it from a backup, or delete it (or pass --rotate) to make a new identity; then restart the processes that use it.',
    });
  }
  return seed;
}

function writeSecret(path: string, text: string): void {
  writeFileSync(path, text, { mode: 0o600 });
  // The mode only applies to a new file; an existing one (--rotate) is tightened too.
  chmodSync(path, 0o600);
}

const quote = (value: string) => JSON.stringify(value);
const list = (values: string[], indent: string) => `[\n${values.map((value) => `${indent}  ${quote(value)}`).join(',\n')}\n${indent}]`;

function serverConfig(users: Array<Identity & { key: string }>, storeDir: string): string {
  const entries = users.map(({ file, key, permissions }) => {
    const lines = [
      `    # ${file.replace(/\.nk$/, '')}`,
      '    {',
      `      nkey: ${key}`,
      '      permissions: {',
      `        publish: { allow: ${list(permissions.publish, '        ')} }`,
      `        subscribe: { allow: ${list(permissions.subscribe, '        ')} }`,
      ...(permissions.allowResponses ? ['        allow_responses: true'] : []),
      '      }',
      '    }',
    ];
    return lines.join('\n');
  });
  // Subjects are quoted: unquoted, "$JS.API.>" would be read as a variable reference.
  return `# Written by "coworkers nats-config". One nkey user per service kind, each with the subjects it
# may publish and subscribe to (docs/architecture.md, "Identities"). Run it again to add connectors:
# the seeds are kept unless --rotate. Monitoring is off here; "nats-server -m 8222" turns it on.
listen: "0.0.0.0:4222"

jetstream {
  store_dir: ${quote(storeDir)}
}

authorization {
  users = [
${entries.join('\n')}
  ]
}
`;
}
