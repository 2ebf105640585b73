// What crosses the bus, encoded the same way by both adapters: JSON bodies, string headers, and
// a reply envelope that carries a responder's CoworkersError to the requester intact.
import { z } from 'zod';
import { CoworkersError, ERROR_CODES, isCoworkersError } from '../protocol/index.ts';

export function encodeJson(data: unknown): string {
  // `undefined` has no JSON form; send null so the receiver always gets a value.
  return JSON.stringify(data ?? null);
}

export function decodeJson(text: string, subject: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new CoworkersError('COMMAND_INVALID', `The message on "${subject}" is not JSON`, {
      hint: 'Publish through the bus port, which encodes every body as JSON.',
      cause: error,
    });
  }
}

/** Header names and values as NATS accepts them, checked up front so both adapters refuse the same. */
export function assertHeaders(headers: Record<string, string>): void {
  for (const [name, value] of Object.entries(headers)) {
    if (!/^[!-9;-~]+$/.test(name) || /[\r\n]/.test(value)) {
      throw new CoworkersError('COMMAND_INVALID', `The header "${name}" is not valid`, {
        hint: 'Header names are printable ASCII without ":" or spaces; values have no line breaks.',
      });
    }
  }
}

const replySchema = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), data: z.unknown() }),
  z.object({
    ok: z.literal(false),
    error: z.object({ code: z.enum(ERROR_CODES), message: z.string(), retryable: z.boolean(), hint: z.string().optional() }),
  }),
]);

export type ReplyEnvelope = z.infer<typeof replySchema>;

export function successReply(data: unknown): ReplyEnvelope {
  return { ok: true, data: data ?? null };
}

/** A CoworkersError travels as it is; anything else becomes INTERNAL, since its class cannot cross. */
export function errorReply(error: unknown, subject: string): ReplyEnvelope {
  if (isCoworkersError(error)) return { ok: false, error: error.toJSON() };
  const reason = error instanceof Error ? error.message : String(error);
  return {
    ok: false,
    error: new CoworkersError('INTERNAL', `The responder for "${subject}" failed: ${reason}`).toJSON(),
  };
}

/** The reply's data, or the responder's error thrown as a CoworkersError. */
export function openReply(envelope: unknown, subject: string): unknown {
  const parsed = replySchema.safeParse(envelope);
  if (!parsed.success) {
    throw new CoworkersError('INTERNAL', `The reply from "${subject}" is not a bus reply envelope`, {
      hint: 'Answer requests with bus.respond(), which wraps the result as {ok, data} or {ok: false, error}.',
    });
  }
  if (parsed.data.ok) return parsed.data.data;
  throw CoworkersError.fromJSON(parsed.data.error);
}
