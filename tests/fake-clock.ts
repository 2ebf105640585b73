// A clock for tests: time moves only when the test advances it, firing due timers in order.
import type { Clock } from '../actors/index.ts';

export interface FakeClock extends Clock {
  advance(ms: number): void;
}

export function createFakeClock(start: number): FakeClock {
  let now = start;
  let timers: Array<{ at: number; fire: () => void }> = [];
  return {
    now: () => now,
    schedule(at, fire) {
      const timer = { at, fire };
      timers.push(timer);
      return () => {
        timers = timers.filter((t) => t !== timer);
      };
    },
    advance(ms) {
      const target = now + ms;
      for (;;) {
        const due = timers.filter((t) => t.at <= target).sort((a, b) => a.at - b.at)[0];
        if (!due) break;
        timers = timers.filter((t) => t !== due);
        now = Math.max(now, due.at);
        due.fire();
      }
      now = target;
    },
  };
}
