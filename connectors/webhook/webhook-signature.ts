// How a webhook is signed, both ways: an HMAC-SHA256 of "<timestamp>.<raw body>" with a shared
// secret, sent as `X-Coworkers-Signature: sha256=<hex>` beside `X-Coworkers-Timestamp` (seconds).
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'x-coworkers-signature';
export const TIMESTAMP_HEADER = 'x-coworkers-timestamp';
export const DELIVERY_HEADER = 'x-coworkers-delivery';

/** The `X-Coworkers-Signature` value for a body sent at `timestamp` (seconds since 1970). */
export function signWebhook(secret: string, body: string | Buffer, timestamp: number): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest('hex')}`;
}

export interface SignedRequest {
  secret: string;
  body: Buffer;
  signature: string | undefined;
  timestamp: string | undefined;
  nowSeconds: number;
  toleranceSeconds: number;
}

/** Why the request is not the sender's, fresh; undefined when it is. */
export function refuseSignature({ secret, body, signature, timestamp, nowSeconds, toleranceSeconds }: SignedRequest): string | undefined {
  if (!signature) return 'missing X-Coworkers-Signature';
  if (!timestamp || !/^\d+$/.test(timestamp)) return 'missing or malformed X-Coworkers-Timestamp (seconds since 1970)';
  const expected = Buffer.from(signWebhook(secret, body, Number(timestamp)));
  const given = Buffer.from(signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return 'the signature does not match the body and timestamp';
  // A correct signature on an old request is a replay (or a sender's clock that is off).
  if (Math.abs(nowSeconds - Number(timestamp)) > toleranceSeconds) return `the timestamp is more than ${toleranceSeconds} seconds away from now`;
  return undefined;
}
