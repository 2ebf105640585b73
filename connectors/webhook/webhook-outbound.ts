// The outbound side: one tool per configured target, sending the coworker's JSON payload with
// the idempotency key (and a signature when the target has a secret). The URL may carry a
// secret, so it never appears in a description, a result or an error.
import { z } from 'zod';
import { CoworkersError } from '../../protocol/index.ts';
import type { ToolDefinition } from '../connector-kit.ts';
import { signWebhook } from './webhook-signature.ts';
import type { TargetSettings } from './webhook.settings.ts';

/** How much of the target's answer the coworker sees. */
const MAX_ANSWER_CHARS = 4_000;
/** How much of a refusal goes into the error message. */
const MAX_REFUSAL_CHARS = 300;

export interface TargetOptions {
  name: string;
  settings: TargetSettings;
  /** The target's secrets, read up front: its URL, secret headers and signing secret. */
  url: string;
  secretHeaders: Record<string, string>;
  signingSecret: string | undefined;
  now(): number;
}

export function targetTool({ name, settings, url, secretHeaders, signingSecret, now }: TargetOptions): ToolDefinition {
  return {
    description: `${settings.description ?? `Sends a JSON payload to the "${name}" webhook.`} Answers with the HTTP status and the target's reply.`,
    risk: settings.risk,
    input: z.strictObject({ payload: z.record(z.string(), z.unknown()).describe('The JSON object to send as the request body.') }),
    async run({ payload }, { idempotencyKey }) {
      const body = JSON.stringify(payload);
      const timestamp = Math.floor(now() / 1000);
      const headers: Record<string, string> = {
        ...settings.headers,
        ...secretHeaders,
        'Content-Type': 'application/json',
        // The same key on a retry lets the target drop the repeat.
        'Idempotency-Key': idempotencyKey,
        'X-Coworkers-Delivery': idempotencyKey,
        ...(signingSecret ? { 'X-Coworkers-Timestamp': String(timestamp), 'X-Coworkers-Signature': signWebhook(signingSecret, body, timestamp) } : {}),
      };
      const response = await fetch(url, {
        method: settings.method,
        headers,
        body,
        redirect: 'manual',
        signal: AbortSignal.timeout(settings.timeoutSeconds * 1000),
      }).catch((error: unknown) => {
        // Thrown as is: the target is away, and the call is retried with the same key.
        throw new Error(`The "${name}" webhook target could not be reached: ${reasonOf(error)}`);
      });
      const answer = await response.text();
      return resultOf(name, response.status, answer);
    },
  };
}

function resultOf(name: string, status: number, answer: string) {
  if (status >= 500 || status === 408 || status === 429) throw new Error(`The "${name}" webhook target answered ${status}; it may be busy or away.`);
  if (status >= 300 && status < 400) {
    throw new CoworkersError('TOOL_FAILED', `The "${name}" webhook target answered ${status}, a redirect, which is not followed.`, {
      hint: `Set the final URL of the "${name}" target in connectors.yaml.`,
    });
  }
  if (status >= 400) {
    throw new CoworkersError('TOOL_FAILED', `The "${name}" webhook target refused the payload with ${status}. Its answer (untrusted): ${answer.slice(0, MAX_REFUSAL_CHARS)}`, {
      hint: 'Change the payload as its answer says, or check the target\'s settings (URL, headers, secret) in connectors.yaml.',
    });
  }
  return {
    status,
    untrusted: true,
    responseBody: answer.slice(0, MAX_ANSWER_CHARS),
    ...(answer.length > MAX_ANSWER_CHARS ? { truncated: true } : {}),
  };
}

function reasonOf(error: unknown): string {
  if (error instanceof Error && error.name === 'TimeoutError') return 'no answer in time';
  // fetch says "fetch failed" and keeps the reason (ECONNREFUSED, ENOTFOUND, …) in `cause`.
  const cause = error instanceof Error ? (error.cause as { code?: string } | undefined) : undefined;
  return cause?.code ?? (error instanceof Error ? error.message : String(error));
}
