import { isStorageBackendUnavailable } from './database-capabilities';

/**
 * A unique index refused an insert (code 11000; without `keyValue` on some servers). The code
 * relies on inserts only: see database-capabilities.
 */
export function isDuplicateKeyError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 11000 || code === 11001;
}

/** Server codes of a primary stepping down or a node shutting down: a failover in progress. */
const FAILOVER_CODES = new Set([91, 189, 10107, 11600, 11602, 13435, 13436]);

/** Errors that mean "the database is not reachable right now", not "the request was bad". */
export function isDatabaseUnavailableError(error: unknown): boolean {
  const candidate = error as {
    name?: unknown;
    code?: unknown;
    hasErrorLabel?: (label: string) => boolean;
  } | null;
  if (typeof candidate?.code === 'number' && FAILOVER_CODES.has(candidate.code)) return true;
  if (
    candidate?.hasErrorLabel?.('RetryableWriteError') ||
    candidate?.hasErrorLabel?.('ResetPool')
  ) {
    return true;
  }
  if (isStorageBackendUnavailable(error)) return true;
  const name = candidate?.name;
  return (
    name === 'MongoNetworkError' ||
    name === 'MongoServerSelectionError' ||
    name === 'MongoNotConnectedError' ||
    name === 'MongoNetworkTimeoutError' ||
    name === 'MongoTopologyClosedError' ||
    name === 'MongoPoolClearedError' ||
    name === 'MongooseServerSelectionError'
  );
}
