// Bookkeeping both adapters need to stop cleanly: which subscriptions are open, which handlers
// are still running, and backoff delays for retries.
import { CoworkersError } from '../protocol/index.ts';
import type { Subscription } from './bus.port.ts';

export interface SubscriptionSet {
  /** Wraps a stop function so that stop() runs it once and close() can stop everything left. */
  track(stop: () => Promise<void>): Subscription;
  stopAll(): Promise<void>;
}

export function createSubscriptionSet(): SubscriptionSet {
  const open = new Set<Subscription>();
  return {
    track(stop) {
      let stopped: Promise<void> | undefined;
      const subscription: Subscription = {
        stop: () => (stopped ??= stop().finally(() => open.delete(subscription))),
      };
      open.add(subscription);
      return subscription;
    },
    async stopAll() {
      await Promise.all([...open].map((subscription) => subscription.stop()));
    },
  };
}

export interface InFlight {
  /** Runs the task now and remembers it until it settles. */
  run(task: () => Promise<void>): void;
  /** Resolves once fewer than `limit` tasks are running. */
  below(limit: number): Promise<void>;
  /** Resolves once every task started so far has settled. */
  settled(): Promise<void>;
}

export function createInFlight(): InFlight {
  const running = new Set<Promise<void>>();
  return {
    run(task) {
      // Tasks report their own failures; the catch only keeps a rejection from going unhandled.
      const promise = Promise.resolve()
        .then(task)
        .catch(() => {})
        .finally(() => running.delete(promise));
      running.add(promise);
    },
    async below(limit) {
      while (running.size >= limit) await Promise.race(running);
    },
    async settled() {
      while (running.size > 0) await Promise.all(running);
    },
  };
}

/** Exponential backoff: `initialMs` for the first retry, doubling, never above `maxMs`. */
export function backoffDelay(attempt: number, policy: { initialMs: number; maxMs: number }): number {
  return Math.min(policy.initialMs * 2 ** Math.max(0, attempt - 1), policy.maxMs);
}

export function busClosedError(): CoworkersError {
  return new CoworkersError('BUS_UNAVAILABLE', 'The bus is closed', {
    hint: 'Create a new bus; close() is final.',
  });
}
