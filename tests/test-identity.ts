// One key for a test and the runtime processes it starts: a seed file (NATS_NKEY_FILE) and the
// trust file beside it (identities.json) naming that key in every role, so the test's connectors
// take the grants the runtime signs and the runtime takes the decisions the test signs.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createUser } from '@nats-io/nkeys';
import { signerFromSeed, trustingOnly, type Signer, type TrustedKeys } from '../protocol/index.ts';

export interface TestIdentity {
  signer: Signer;
  trust: TrustedKeys;
  /** For the processes' environment: they load this identity with loadIdentity. */
  env: { NATS_NKEY_FILE: string; COWORKERS_TRUST_FILE: string };
}

export function testIdentity(): TestIdentity {
  const seed = createUser().getSeed();
  const signer = signerFromSeed(seed);
  const trust = trustingOnly(signer);
  const dir = mkdtempSync(join(tmpdir(), 'coworkers-identity-'));
  const env = { NATS_NKEY_FILE: join(dir, 'runtime.nk'), COWORKERS_TRUST_FILE: join(dir, 'identities.json') };
  writeFileSync(env.NATS_NKEY_FILE, new TextDecoder().decode(seed), { mode: 0o600 });
  writeFileSync(env.COWORKERS_TRUST_FILE, JSON.stringify({ ...trust, connectors: {} }));
  return { signer, trust, env };
}
