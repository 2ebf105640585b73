// The fetch wrapper for the console's HTTP API: JSON in and out, the server's error message and
// hint kept for the page to show, and a 401 anywhere ends the session (live feed closed, back to
// sign-in).
import { span } from './format.js';
import { stopLive } from './live.js';
import { store } from './store.js';

class ApiError extends Error {
  constructor(status, code, message, hint) {
    super(message);
    this.status = status;
    this.code = code;
    this.hint = hint;
  }
}

/** What the views show of any failure: { status, code, message, hint }. */
export function errorInfo(error) {
  if (error instanceof ApiError) return { status: error.status, code: error.code, message: error.message, hint: error.hint };
  return { status: 0, code: 'CLIENT_ERROR', message: error instanceof Error ? error.message : String(error) };
}

async function request(method, path, body) {
  const init = { method, headers: { accept: 'application/json' }, credentials: 'same-origin' };
  if (body !== undefined) {
    init.headers['content-type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(path, init);
  } catch {
    throw new ApiError(0, 'NETWORK', 'The console cannot reach its server.', 'Check that the coworkers runtime with the console is running, then try again.');
  }
  if (response.status === 204) return null;
  const payload = await response.json().catch(() => null);
  if (response.ok) return payload;

  const error = payload?.error ?? {};
  const retryAfter = Number(response.headers.get('retry-after'));
  const failure = new ApiError(
    response.status,
    error.code ?? `HTTP_${response.status}`,
    error.message ?? `The server answered ${response.status} ${response.statusText} to ${method} ${path}.`,
    error.hint ?? (retryAfter > 0 ? `Try again in ${span(retryAfter * 1000)}.` : undefined),
  );
  // A wrong password is the sign-in form's business; any other 401 means the session is gone.
  if (response.status === 401 && path !== '/api/session') {
    const wasSignedIn = store.getSnapshot().context.session === 'signedIn';
    stopLive();
    store.trigger.sessionEnded(wasSignedIn ? { error: { message: 'Your session has ended. Please sign in again.' } } : {});
  }
  throw failure;
}

export const api = {
  get: (path) => request('GET', path),
  post: (path, body = {}) => request('POST', path, body),
  delete: (path) => request('DELETE', path),
};
