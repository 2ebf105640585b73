// The secrets this process knows, collected once at start, for the scrubber that keeps them out
// of everything stored or logged (snapshots, events, the audit trail, tool results, log lines).
import { readFileSync } from 'node:fs';
import { connectorSecretNames, readConnectorsConfig, secretValues } from '../connectors/index.ts';
import { createScrubber, type Scrubber } from '../protocol/scrubber.ts';

/** The process's own secrets, by name: chat tokens, the console's and OIDC's secrets, model keys. */
const NAMED = ['SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET', 'SLACK_APP_TOKEN', 'TEAMS_CLIENT_SECRET', 'COWORKERS_CONSOLE_SECRET', 'COWORKERS_OIDC_CLIENT_SECRET', 'OPENAI_API_KEY'];
/** Any other provider's key or token set in the environment (ANTHROPIC_API_KEY, GITHUB_TOKEN, …). */
const LOOKS_SECRET = /(_API_KEY|_TOKEN|_SECRET|_PASSWORD)$/;

export interface SecretsOptions {
  env: NodeJS.ProcessEnv;
  /** The folder of `connectors.yaml`, whose `…Env` settings name the connectors' secrets. */
  dir?: string;
}

/** Name → value of every secret set; a part that cannot be read (a broken connectors.yaml) is reported at its own start. */
export function collectSecrets({ env, dir }: SecretsOptions): Record<string, string | string[]> {
  const secrets: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(env)) {
    if (value && (NAMED.includes(name) || LOOKS_SECRET.test(name))) secrets[name] = value;
  }
  if (dir) {
    try {
      Object.assign(secrets, secretValues({ env }, connectorSecretNames(readConnectorsConfig(dir))));
    } catch {
      // An invalid connectors.yaml stops the start with its own message.
    }
  }
  // The password as written in the URI (percent-encoded, as a logged URI shows it) and decoded.
  const mongoPassword = passwordOf(env.MONGODB_URI);
  if (mongoPassword) secrets.MONGODB_URI = [...new Set([mongoPassword, decoded(mongoPassword)])];
  if (env.NATS_NKEY_FILE) {
    try {
      const seed = readFileSync(env.NATS_NKEY_FILE, 'utf8').trim();
      if (seed) secrets.NATS_NKEY_FILE = seed;
    } catch {
      // loadIdentity says what is wrong with the file.
    }
  }
  return secrets;
}

/** The password of a mongodb:// or mongodb+srv:// URI (several hosts are no URL to `new URL`). */
function passwordOf(uri: string | undefined): string | null {
  return uri?.match(/^mongodb(?:\+srv)?:\/\/[^:@/]*:([^@/]+)@/)?.[1] ?? null;
}

function decoded(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

export function createProcessScrubber(options: SecretsOptions): Scrubber {
  return createScrubber(collectSecrets(options));
}
