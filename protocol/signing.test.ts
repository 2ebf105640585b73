// Signatures made natively (node:crypto) are the nkeys' own Ed25519: the NATS tools and libraries
// verify ours and we verify theirs; anything changed, or not a signature at all, is refused.
import { createUser, fromPublic, fromSeed } from '@nats-io/nkeys';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from './approvals.ts';
import { hasValidSignature, signerFromSeed } from './signing.ts';

const seed = createUser().getSeed();
const signer = signerFromSeed(seed);
const command = { type: 'approval.decide', approvalId: 'apr-1', by: 'UDANIEL', at: 1 };
const bytes = new TextEncoder().encode(canonicalJson(command));

describe('signatures', () => {
  it('are the nkey’s own: nkeys verifies ours, and we verify what nkeys signed', () => {
    expect(signer.publicKey).toBe(fromSeed(seed).getPublicKey());
    const signature = signer.sign(command);
    expect(fromPublic(signer.publicKey).verify(bytes, Buffer.from(signature.sig, 'base64url'))).toBe(true);
    const theirs = { key: signer.publicKey, sig: Buffer.from(fromSeed(seed).sign(bytes)).toString('base64url') };
    expect(hasValidSignature({ ...command, signature: theirs }, [signer.publicKey])).toBe(true);
  });

  it('refuse a changed value, another key, and signatures of the wrong shape', () => {
    const signature = signer.sign(command);
    expect(hasValidSignature({ ...command, signature }, [signer.publicKey])).toBe(true);
    expect(hasValidSignature({ ...command, by: 'UMALLORY', signature }, [signer.publicKey])).toBe(false);
    expect(hasValidSignature({ ...command, signature }, [createUser().getPublicKey()])).toBe(false);
    expect(hasValidSignature({ ...command, signature: { ...signature, key: 'Unot-a-key' } }, 'any')).toBe(false);
    expect(hasValidSignature({ ...command, signature: { key: signer.publicKey, sig: 42 } as never }, 'any')).toBe(false);
    expect(hasValidSignature({ ...command, signature: 'signed' as never }, 'any')).toBe(false);
  });
});
