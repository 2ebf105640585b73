// What a failed HubSpot request means for the caller: a refused token, a missing scope, an
// unknown id or a rejected value is a TOOL_FAILED to act on; a rate limit, a server error or an
// unreachable API is a plain Error, which the kit reports as retryable.
import { CoworkersError } from '../../protocol/index.ts';

/** The parts of the client's ApiException we read; each API module has its own class. */
interface HubspotApiError {
  code: number;
  body: unknown;
}

export interface FailureContext {
  /** The variable holding the token, for the hint on a refused token. */
  tokenEnv: string;
  /** The scopes the tool needs, for the hint on a 403. */
  scopes: readonly string[];
  /** What a 404 means for a request naming a record, e.g. `HubSpot has no deal "123".` */
  notFound?: { message: string; hint: string };
}

/** Runs one HubSpot request, turning its failure into what the caller can do about it. */
export async function hubspotRequest<T>(context: FailureContext, request: () => Promise<T>): Promise<T> {
  try {
    return await request();
  } catch (error) {
    throw failureOf(error, context);
  }
}

function failureOf(error: unknown, context: FailureContext): Error {
  if (!isApiError(error)) {
    // Network trouble: the message says what, the token is never part of it.
    return new Error(`HubSpot could not be reached (${error instanceof Error ? error.message : String(error)})`, { cause: error });
  }
  const { code } = error;
  const said = messageOf(error.body);
  if (code === 429) return new Error(`HubSpot's rate limit was reached (429)${said}`);
  if (code === 408 || code >= 500) return new Error(`HubSpot answered ${code}${said}`);
  if (code === 401) {
    return new CoworkersError('TOOL_FAILED', `HubSpot refused the access token (401)${said}`, {
      hint: `Set ${context.tokenEnv} to the access token of a HubSpot private app (Settings → Integrations → Private apps); it may be mistyped, rotated or deleted.`,
    });
  }
  if (code === 403) {
    return new CoworkersError('TOOL_FAILED', `HubSpot refused the request (403)${said}`, {
      hint: `Give the private app whose token is in ${context.tokenEnv} the scopes ${context.scopes.join(', ')}.`,
    });
  }
  if (code === 404 && context.notFound) return new CoworkersError('TOOL_FAILED', context.notFound.message, { hint: context.notFound.hint });
  if (code === 404) {
    return new CoworkersError('TOOL_FAILED', `HubSpot answered 404${said}`, { hint: 'Check hubspot.baseUrl in connectors.yaml; the default is https://api.hubapi.com.' });
  }
  return new CoworkersError('TOOL_FAILED', `HubSpot rejected the request (${code})${said}`, {
    hint: 'Fix the arguments as HubSpot says and call again; stage ids and pipelines are HubSpot internal values, not their labels.',
  });
}

function isApiError(error: unknown): error is HubspotApiError {
  return error instanceof Error && typeof (error as Partial<HubspotApiError>).code === 'number' && 'body' in error;
}

/** HubSpot's own explanation, when its answer has one. */
function messageOf(body: unknown): string {
  const message = typeof body === 'object' && body !== null ? (body as { message?: unknown }).message : undefined;
  return typeof message === 'string' && message ? `: ${message}` : '';
}
