// Driver errors translated into CoworkersError, so callers can match on the code and retry.
import {
  MongoClientClosedError,
  MongoNetworkError,
  MongoNotConnectedError,
  MongoOperationTimeoutError,
  MongoServerClosedError,
  MongoServerError,
  MongoServerSelectionError,
  MongoTopologyClosedError,
} from 'mongodb';
import { CoworkersError } from '../protocol/index.ts';

export const DUPLICATE_KEY = 11000;

/** Driver errors that waiting and retrying can cure: the server is down, far away or slow. */
const UNREACHABLE = [MongoNetworkError, MongoServerSelectionError, MongoOperationTimeoutError];
/**
 * Driver errors from a client that will not try again: its owner closed it, or its first
 * connection attempt failed (driver 7 then keeps a closed topology and never reconnects).
 */
const CLOSED = [MongoNotConnectedError, MongoClientClosedError, MongoTopologyClosedError, MongoServerClosedError];

/** A write the server could not take now but will later: MongoDB's own label, FerretDB's SQLite lock. */
function isBusy(error: unknown): boolean {
  return error instanceof MongoServerError && (error.hasErrorLabel('RetryableWriteError') || /SQLITE_BUSY|database is locked/.test(error.message));
}

export function translateDriverError(error: unknown, servers: string): unknown {
  if (UNREACHABLE.some((type) => error instanceof type)) {
    return new CoworkersError('STORE_UNAVAILABLE', `the MongoDB server at ${servers} cannot be reached: ${(error as Error).message}`, {
      retryable: true,
      hint: 'Start MongoDB (e.g. `docker compose up -d mongo`) or point MONGODB_URI at a running server.',
      cause: error,
    });
  }
  if (CLOSED.some((type) => error instanceof type)) {
    return new CoworkersError('STORE_UNAVAILABLE', `the MongoDB client for ${servers} is closed and will not reconnect`, {
      hint: 'Connect the MongoClient (await client.connect()) before creating the store, and close it only after the store is done.',
      cause: error,
    });
  }
  if (isBusy(error)) {
    return new CoworkersError('STORE_UNAVAILABLE', `the MongoDB server at ${servers} is busy: ${(error as Error).message}`, {
      retryable: true,
      hint: 'The write is retried; if this persists, the server is overloaded.',
      cause: error,
    });
  }
  return error;
}
