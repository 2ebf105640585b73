// Slows password guessing: after 5 failed sign-ins in 15 minutes for one login, or from one
// address, further attempts are refused until the oldest of those failures is 15 minutes old.
// Memory stays bounded: old failures are forgotten, and the oldest keys go first past a cap.

const MAX_FAILURES = 5;
const WINDOW_MS = 15 * 60 * 1000;
const MAX_KEYS = 10_000;

export interface SignInLimiter {
  /** Seconds to wait before trying again, or 0 when an attempt may go ahead. */
  retryAfterSeconds(attempt: { login: string; address: string }): number;
  recordFailure(attempt: { login: string; address: string }): void;
  /** A correct password clears its login's failures (not the address's: one account must not reset guessing at others). */
  recordSuccess(login: string): void;
}

export function createSignInLimiter(now: () => number): SignInLimiter {
  const failures = new Map<string, number[]>();
  const keysOf = (attempt: { login: string; address: string }) => [`login:${attempt.login}`, `address:${attempt.address}`];

  const recent = (key: string): number[] => {
    const times = (failures.get(key) ?? []).filter((at) => at > now() - WINDOW_MS);
    if (times.length) failures.set(key, times);
    else failures.delete(key);
    return times;
  };

  return {
    retryAfterSeconds(attempt) {
      const waits = keysOf(attempt).map((key) => {
        const times = recent(key);
        return times.length < MAX_FAILURES ? 0 : times[times.length - MAX_FAILURES]! + WINDOW_MS - now();
      });
      return Math.ceil(Math.max(0, ...waits) / 1000);
    },
    recordFailure(attempt) {
      for (const key of keysOf(attempt)) {
        const times = recent(key);
        failures.delete(key); // re-inserted last, so the map's order is oldest activity first
        failures.set(key, [...times, now()].slice(-MAX_FAILURES));
      }
      for (const key of failures.keys()) {
        if (failures.size <= MAX_KEYS) break;
        failures.delete(key);
      }
    },
    recordSuccess(login) {
      failures.delete(`login:${login}`);
    },
  };
}
