// Time for the actor host: the machines have no clock, the host stamps events and arms timers.
// Tests pass a fake clock; deadlines are persisted timestamps, so a timer is only a reminder.

export interface Clock {
  now(): number;
  /** Calls `fire` at (or soon after) the epoch-ms time `at`; returns a cancel function. */
  schedule(at: number, fire: () => void): () => void;
}

/** Node caps a timeout at about 24.8 days; longer waits re-arm on the way. */
const MAX_TIMEOUT_MS = 2 ** 31 - 1;

export const systemClock: Clock = {
  now: () => Date.now(),
  schedule(at, fire) {
    let timer: NodeJS.Timeout;
    const arm = () => {
      const wait = at - Date.now();
      timer = wait > MAX_TIMEOUT_MS ? setTimeout(arm, MAX_TIMEOUT_MS) : setTimeout(fire, Math.max(0, wait));
      timer.unref();
    };
    arm();
    return () => clearTimeout(timer);
  },
};
