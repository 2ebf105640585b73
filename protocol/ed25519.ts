// Ed25519 on NATS nkeys through node:crypto. The nkeys library signs in plain JavaScript (about
// 8 ms a signature or a check here, several per approval round trip); node:crypto does the same
// arithmetic natively in microseconds. The keys stay nkeys: base32 text with a prefix and a CRC,
// whose 32 raw bytes are what Ed25519 needs.
import { createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { fromPublic, fromSeed } from '@nats-io/nkeys';

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
// DER headers of an Ed25519 PKCS#8 private key and SPKI public key (RFC 8410), before the 32 raw bytes.
const PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
/** Public keys seen by verify(); bounded, since a deployment without identities sees any key. */
const PUBLIC_KEYS_KEPT = 1_000;
const publicKeys = new Map<string, KeyObject>();

function base32Decode(text: string): Buffer {
  const bytes: number[] = [];
  let buffer = 0;
  let bits = 0;
  for (const char of text) {
    const value = BASE32.indexOf(char);
    if (value < 0) throw new Error(`not base32: "${char}"`);
    buffer = (buffer << 5) | value;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      bytes.push((buffer >> bits) & 0xff);
    }
  }
  return Buffer.from(bytes);
}

/** A private key from an nkey seed (checked by nkeys: prefix and CRC); its raw seed follows the two prefix bytes. */
export function privateKeyOf(seed: Uint8Array): { key: KeyObject; publicKey: string } {
  const publicKey = fromSeed(seed).getPublicKey();
  const raw = base32Decode(new TextDecoder().decode(seed)).subarray(2, 34);
  return { key: createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, raw]), format: 'der', type: 'pkcs8' }), publicKey };
}

function publicKeyObject(publicKey: string): KeyObject {
  let key = publicKeys.get(publicKey);
  if (!key) {
    fromPublic(publicKey); // checks the prefix and the CRC
    const raw = base32Decode(publicKey).subarray(1, 33);
    key = createPublicKey({ key: Buffer.concat([SPKI_PREFIX, raw]), format: 'der', type: 'spki' });
    if (publicKeys.size >= PUBLIC_KEYS_KEPT) publicKeys.delete(publicKeys.keys().next().value!);
    publicKeys.set(publicKey, key);
  }
  return key;
}

export function ed25519Sign(key: KeyObject, data: Uint8Array): Buffer {
  return sign(null, data, key);
}

/** False for a bad signature, and for a key that is not an nkey. */
export function ed25519Verify(publicKey: string, data: Uint8Array, signature: Uint8Array): boolean {
  try {
    return verify(null, data, publicKeyObject(publicKey), signature);
  } catch {
    return false;
  }
}
