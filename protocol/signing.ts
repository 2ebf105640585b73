// Who said something, checked rather than assumed: every process holds an Ed25519 key (its NATS
// nkey, made by `coworkers nats-config`), signs what only it may say (a runtime its tool-call
// grants, a gateway the decisions of people it signed in, the operator its own acts), and the
// receiver checks the signature against the public keys the deployment trusts for that role.
import { createUser } from '@nats-io/nkeys';
import { ed25519Sign, ed25519Verify, privateKeyOf } from './ed25519.ts';
import { canonicalJson } from './approvals.ts';

/** A signature and the public key that made it (a NATS user nkey, "U…"). */
export interface Signature {
  key: string;
  /** base64url of the Ed25519 signature over the canonical JSON of the signed value without `signature`. */
  sig: string;
}

export interface Signer {
  publicKey: string;
  sign(value: Record<string, unknown>): Signature;
}

/**
 * The public keys each role may sign with: from the trust file `nats-config` writes, this
 * process's own key when it is the whole deployment, or `'any'` in a distributed deployment
 * started without identities (development: signatures are still required and checked against
 * what they sign, but any key is taken; the processes warn at start).
 */
export type RoleKeys = readonly string[] | 'any';
export interface TrustedKeys {
  runtimes: RoleKeys;
  gateways: RoleKeys;
  operators: RoleKeys;
}

const encoder = new TextEncoder();

function signedBytes(value: Record<string, unknown>): Uint8Array {
  const { signature: _signature, ...rest } = value;
  return encoder.encode(canonicalJson(rest));
}

export function signerFromSeed(seed: Uint8Array): Signer {
  const { key, publicKey } = privateKeyOf(seed);
  return {
    publicKey,
    sign: (value) => ({ key: publicKey, sig: ed25519Sign(key, signedBytes(value)).toString('base64url') }),
  };
}

/** A key for this process alone: what one process (`coworkers up`) trusts when nothing else is configured. */
export function ephemeralSigner(): Signer {
  return signerFromSeed(createUser().getSeed());
}

/** True when `value.signature` is a valid signature of the rest of `value` by one of `keys`. */
export function hasValidSignature(value: Record<string, unknown> & { signature?: Signature | undefined }, keys: RoleKeys): boolean {
  const { signature } = value;
  // Whatever arrived over the bus: a signature of the wrong shape is simply not valid.
  if (typeof signature?.key !== 'string' || typeof signature.sig !== 'string' || (keys !== 'any' && !keys.includes(signature.key))) return false;
  return ed25519Verify(signature.key, signedBytes(value), Buffer.from(signature.sig, 'base64url'));
}

/** What a process trusts when it is the whole deployment: its own key in every role. */
export function trustingOnly(signer: Signer): TrustedKeys {
  return { runtimes: [signer.publicKey], gateways: [signer.publicKey], operators: [signer.publicKey] };
}
