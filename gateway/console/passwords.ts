// Password hashes for console users: `scrypt$<N>$<r>$<p>$<salt b64>$<hash b64>` (node:crypto
// scrypt), compared in constant time. The parameters travel in the hash, so they can be raised later.
import { randomBytes, randomInt, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/** OWASP's scrypt recommendation: 32 MiB of memory, three lanes. */
const COST = { N: 2 ** 15, r: 8, p: 3 };
const SALT_BYTES = 16;
const KEY_BYTES = 32;
/** Refuse parameters that would let one sign-in eat a machine's memory or minutes of CPU. */
const MAX_COST = { N: 2 ** 20, r: 32, p: 16 };
const MAX_MEMORY_BYTES = 256 * 1024 * 1024;

export const PASSWORD_HASH_PATTERN = /^scrypt\$(\d+)\$(\d+)\$(\d+)\$([A-Za-z0-9+/]+={0,2})\$([A-Za-z0-9+/]+={0,2})$/;

interface ParsedHash {
  cost: { N: number; r: number; p: number };
  salt: Buffer;
  key: Buffer;
}

/** The hash's parts, or why it cannot be one; used by users.yaml validation too. */
export function parsePasswordHash(hash: string): ParsedHash | string {
  const match = PASSWORD_HASH_PATTERN.exec(hash);
  if (!match) return 'a password hash looks like scrypt$N$r$p$<salt base64>$<hash base64>';
  const [N, r, p] = [match[1], match[2], match[3]].map(Number) as [number, number, number];
  if (N < 2 || (N & (N - 1)) !== 0 || N > MAX_COST.N) return `N must be a power of two up to ${MAX_COST.N}, not ${N}`;
  if (r < 1 || r > MAX_COST.r || p < 1 || p > MAX_COST.p) return `r must be 1 to ${MAX_COST.r} and p 1 to ${MAX_COST.p}`;
  if (128 * N * r > MAX_MEMORY_BYTES) return `N × r needs more than ${MAX_MEMORY_BYTES / 2 ** 20} MiB of memory per sign-in; lower N or r`;
  const salt = Buffer.from(match[4]!, 'base64');
  const key = Buffer.from(match[5]!, 'base64');
  if (salt.length < 8 || key.length < 16) return 'the salt (8 bytes at least) or the hash (16 bytes at least) is too short';
  return { cost: { N, r, p }, salt, key };
}

function deriveKey(password: string, salt: Buffer, length: number, cost: ParsedHash['cost']): Promise<Buffer> {
  const options: ScryptOptions = { ...cost, maxmem: 256 * cost.N * cost.r };
  return new Promise((resolve, reject) => scrypt(password.normalize('NFC'), salt, length, options, (error, key) => (error ? reject(error) : resolve(key))));
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await deriveKey(password, salt, KEY_BYTES, COST);
  return `scrypt$${COST.N}$${COST.r}$${COST.p}$${salt.toString('base64')}$${key.toString('base64')}`;
}

/** True when the password matches; false for a wrong password or a malformed hash. */
export async function verifyPassword(password: string, hash: string): Promise<boolean> {
  const parsed = parsePasswordHash(hash);
  if (typeof parsed === 'string') return false;
  const key = await deriveKey(password, parsed.salt, parsed.key.length, parsed.cost);
  return timingSafeEqual(key, parsed.key);
}

// No 0/O, 1/l/I: read off a terminal and typed by hand.
const READABLE = 'abcdefghjkmnpqrstuvwxyz23456789';

/** 16 random characters in groups of four, e.g. "k7pm-x2qd-9hfa-wr3e" (about 79 bits). */
export function generatePassword(): string {
  const characters = Array.from({ length: 16 }, () => READABLE[randomInt(READABLE.length)]!);
  return [0, 4, 8, 12].map((start) => characters.slice(start, start + 4).join('')).join('-');
}
