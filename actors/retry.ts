// Retry with capped exponential backoff for errors that say they are retryable.
import { isCoworkersError } from '../protocol/index.ts';

export interface RetryOptions {
  /** Called before each wait, for a log line. */
  onRetry: (error: unknown, attempt: number, delayMs: number) => void;
  /** Stop retrying (and rethrow) once this returns true, e.g. on shutdown. */
  cancelled?: () => boolean;
  initialDelayMs?: number;
  maxDelayMs?: number;
}

export async function retryWhileRetryable<T>(operation: () => Promise<T>, options: RetryOptions): Promise<T> {
  let delay = options.initialDelayMs ?? 100;
  for (let attempt = 1; ; attempt++) {
    try {
      return await operation();
    } catch (error) {
      if (!isCoworkersError(error) || !error.retryable || options.cancelled?.()) throw error;
      options.onRetry(error, attempt, delay);
      await new Promise((resolve) => setTimeout(resolve, delay));
      delay = Math.min(delay * 2, options.maxDelayMs ?? 5_000);
    }
  }
}
