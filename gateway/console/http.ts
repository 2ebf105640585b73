// HTTP plumbing of the console: JSON replies in the API's error shape, the security headers
// every response carries, and request bodies read with a size limit.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { z } from 'zod';
import { isCoworkersError } from '../../protocol/index.ts';

const MAX_BODY_BYTES = 64 * 1024;

/**
 * The one inline script the page has is its import map (browsers take no import map from a
 * file); the policy allows exactly that text by its hash, read from the page at start.
 */
function importMapHash(): string {
  const page = readFileSync(new URL('../../console/index.html', import.meta.url), 'utf8');
  const importMap = /<script type="importmap">([\s\S]*?)<\/script>/.exec(page)?.[1];
  if (importMap === undefined) throw new Error('console/index.html has no <script type="importmap">; the page cannot load @xstate/store without it.');
  return `'sha256-${createHash('sha256').update(importMap).digest('base64')}'`;
}

export const SECURITY_HEADERS: Record<string, string> = {
  // Inline styles only for the statechart SVG; no inline script but the import map; nothing from elsewhere.
  'content-security-policy': `default-src 'self'; script-src 'self' ${importMapHash()}; img-src 'self' data:; style-src 'self' 'unsafe-inline'`,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cache-control': 'no-store',
};

/** An error the API answers with as `{ error: { code, message, hint? } }`. */
export class HttpError extends Error {
  readonly status: number;
  readonly code: string;
  readonly hint: string | undefined;
  readonly headers: Record<string, string>;

  constructor(status: number, code: string, message: string, options: { hint?: string; headers?: Record<string, string> } = {}) {
    super(message);
    this.status = status;
    this.code = code;
    this.hint = options.hint;
    this.headers = options.headers ?? {};
  }
}

/** What a route handler answers; handlers that stream write the response themselves. */
export interface JsonReply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export function sendJson(response: ServerResponse, reply: JsonReply): void {
  const body = reply.body === undefined ? '' : JSON.stringify(reply.body);
  response.writeHead(reply.status, {
    ...SECURITY_HEADERS,
    ...(body ? { 'content-type': 'application/json; charset=utf-8' } : {}),
    ...reply.headers,
  });
  response.end(body);
}

// Runtime errors that reach a route: a missing coworker is 404, a pending approval that is gone
// was decided (or expired) meanwhile, a bad command is the caller's mistake.
const STATUS_OF_CODE: Record<string, number> = {
  COWORKER_NOT_FOUND: 404,
  APPROVAL_NOT_FOUND: 409,
  COMMAND_INVALID: 400,
  BUS_UNAVAILABLE: 503,
  STORE_UNAVAILABLE: 503,
};

/** The HttpError for anything a handler threw, or null for an unexpected failure (a 500). */
export function asHttpError(error: unknown): HttpError | null {
  if (error instanceof HttpError) return error;
  if (isCoworkersError(error) && STATUS_OF_CODE[error.code]) {
    return new HttpError(STATUS_OF_CODE[error.code]!, error.code, error.message, error.hint ? { hint: error.hint } : {});
  }
  return null;
}

export function errorBody(error: HttpError): unknown {
  return { error: { code: error.code, message: error.message, ...(error.hint ? { hint: error.hint } : {}) } };
}

/** The JSON body, parsed by the schema; only application/json is accepted (with SameSite, a CSRF guard). */
export async function readJsonBody<Schema extends z.ZodType>(request: IncomingMessage, schema: Schema): Promise<z.output<Schema>> {
  const mediaType = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (mediaType !== 'application/json') {
    throw new HttpError(415, 'UNSUPPORTED_MEDIA_TYPE', 'The request body must be JSON.', { hint: 'send it with "Content-Type: application/json"' });
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new HttpError(413, 'BODY_TOO_LARGE', `The request body is larger than ${MAX_BODY_BYTES / 1024} KiB.`, { headers: { connection: 'close' } });
    chunks.push(chunk);
  }
  let data: unknown;
  try {
    data = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new HttpError(400, 'BAD_REQUEST', 'The request body is not valid JSON.');
  }
  const result = schema.safeParse(data);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.join('.') || 'body'}: ${issue.message}`);
    throw new HttpError(400, 'BAD_REQUEST', `The request is not valid: ${problems.join('; ')}.`);
  }
  return result.data;
}
