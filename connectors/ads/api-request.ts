// How the ads connector calls a reporting API and what a failure means: a refused token or a bad
// request is the caller's to fix (TOOL_FAILED, not retried); a busy or unreachable service is
// worth retrying (a plain Error).
import { CoworkersError } from '../../protocol/index.ts';

const TIMEOUT_MS = 60_000;
/** Enough of a service's error message to act on, without flooding a result. */
const DETAIL_CHARS = 300;

export interface ApiAnswer {
  status: number;
  ok: boolean;
  /** The parsed JSON, or the text when it was not JSON. */
  body: unknown;
}

export async function requestJson(service: string, url: URL, init: RequestInit): Promise<ApiAnswer> {
  try {
    const response = await fetch(url, { ...init, signal: AbortSignal.timeout(TIMEOUT_MS) });
    const text = await response.text();
    return { status: response.status, ok: response.ok, body: parseJson(text) };
  } catch (error) {
    throw new Error(`${service} did not answer at ${url.origin}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export interface FailureHints {
  /** How to fix a refused credential, naming the setting that holds it. */
  credentials: string;
  /** How to fix any other refused request, naming the settings it depends on. */
  request: string;
}

/** Throws what a failed answer means; `status` may be the service's own code mapped to HTTP. */
export function failWith(service: string, status: number, detail: string, hints: FailureHints): never {
  const said = detail ? `: ${detail.slice(0, DETAIL_CHARS)}` : '';
  if (status === 401 || status === 403) {
    throw new CoworkersError('TOOL_FAILED', `${service} refused the credentials (HTTP ${status})${said}`, { hint: hints.credentials });
  }
  if (status === 429 || status >= 500) throw new Error(`${service} is busy or failing (HTTP ${status})${said}`);
  throw new CoworkersError('TOOL_FAILED', `${service} refused the request (HTTP ${status})${said}`, { hint: hints.request });
}
