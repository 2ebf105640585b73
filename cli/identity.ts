// Who this process is on the bus: its NATS nkey seed (NATS_NKEY_FILE, written by `coworkers
// nats-config`) is both its NATS login and its signing key, and the trust file beside it says
// whose signatures to accept for each role. Without a seed a distributed process still signs,
// with a key of its own made at start, and accepts any key (with a warning): development only.
import { readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { nkeyAuthenticator, type Authenticator } from '@nats-io/transport-node';
import type { Logger } from 'pino';
import { CoworkersError, ephemeralSigner, signerFromSeed, trustingOnly, type Signer, type TrustedKeys } from '../protocol/index.ts';
import type { Config } from './config.ts';
import { TRUST_FILE } from './nats-config.ts';

export interface Identity {
  /** Signs what only this process may say (grants, decisions, operator acts). */
  signer: Signer;
  /** The public keys whose signatures this process accepts, by role. */
  trust: TrustedKeys;
  /** Logs in to NATS with the seed; absent without NATS_NKEY_FILE. */
  authenticator?: Authenticator;
  /** For messages and logs: the seed file's role ("runtime", "connector-email") and public key. */
  name: string;
}

export interface LoadIdentityOptions {
  /** `coworkers up`: the process is the whole deployment and trusts its own key only. */
  embedded?: boolean;
  /** Told when a distributed process runs without an identity. */
  logger?: Logger;
}

/** Reads NATS_NKEY_FILE and COWORKERS_TRUST_FILE (default: identities.json beside the seed). */
export function loadIdentity(config: Pick<Config, 'NATS_NKEY_FILE' | 'COWORKERS_TRUST_FILE'>, options: LoadIdentityOptions = {}): Identity {
  const seedFile = config.NATS_NKEY_FILE;
  if (!seedFile) {
    const signer = ephemeralSigner();
    if (options.embedded) return { signer, trust: trustingOnly(signer), name: `this process (${signer.publicKey})` };
    options.logger?.warn(
      'no NATS_NKEY_FILE: this process connects without a NATS identity and accepts signatures by any key; for a shared deployment run "coworkers nats-config" and give every process its seed',
    );
    return { signer, trust: { runtimes: 'any', gateways: 'any', operators: 'any' }, name: `anonymous (${signer.publicKey})` };
  }
  const seed = readSeed(seedFile);
  const signer = signerFromSeed(seed);
  const trustFile = config.COWORKERS_TRUST_FILE ?? join(dirname(seedFile), TRUST_FILE);
  return {
    signer,
    trust: readTrust(trustFile),
    authenticator: nkeyAuthenticator(seed),
    name: `${basename(seedFile).replace(/\.nk$/, '')} (${signer.publicKey})`,
  };
}

function readSeed(file: string): Uint8Array {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new CoworkersError('CONFIG_INVALID', `NATS_NKEY_FILE names ${file}, which cannot be read: ${(error as Error).message}`, {
      hint: 'Point NATS_NKEY_FILE at a seed file "coworkers nats-config --out <dir>" wrote (runtime.nk, gateway.nk, operator.nk, connector-<name>.nk).',
    });
  }
  const seed = new TextEncoder().encode(text.trim());
  try {
    signerFromSeed(seed);
  } catch {
    throw new CoworkersError('CONFIG_INVALID', `${file} (NATS_NKEY_FILE) does not hold an nkey user seed.`, {
      hint: 'A seed file holds one line starting with SU, written by "coworkers nats-config"; point NATS_NKEY_FILE at one of those.',
    });
  }
  return seed;
}

const keyList = (value: unknown): value is string[] => Array.isArray(value) && value.every((key) => typeof key === 'string' && /^U[A-Z2-7]{55}$/.test(key));

function readTrust(file: string): TrustedKeys {
  const invalid = (why: string) =>
    new CoworkersError('CONFIG_INVALID', `The trust file ${file} ${why}.`, {
      hint: `It is the ${TRUST_FILE} "coworkers nats-config" writes beside the seeds; set COWORKERS_TRUST_FILE to where it is, or copy it beside NATS_NKEY_FILE.`,
    });
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw invalid(error instanceof SyntaxError ? `is not JSON: ${error.message}` : 'cannot be read');
  }
  const { runtimes, gateways, operators } = (parsed ?? {}) as Record<string, unknown>;
  if (!keyList(runtimes) || !keyList(gateways) || !keyList(operators)) throw invalid('needs runtimes, gateways and operators, each a list of public keys (U…)');
  return { runtimes, gateways, operators };
}
