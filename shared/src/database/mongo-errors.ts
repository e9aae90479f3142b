/**
 * A unique index refused the write. MongoDB and FerretDB both report it with code 11000 on
 * insert (FerretDB without `keyValue`); the code only relies on inserts being refused, since
 * FerretDB reports an update that breaks a unique index with a generic code 1.
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
  if (isBackendUnavailable(error)) return true;
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

/**
 * FerretDB answers with a generic server error when it cannot reach its own PostgreSQL (refused
 * for lack of connection slots, SQLSTATE 53300, or not answering): for the client that is the
 * database being unavailable, not a bad request.
 */
function isBackendUnavailable(error: unknown): boolean {
  const message = (error as { message?: unknown } | null)?.message;
  return (
    (error as { name?: unknown } | null)?.name === 'MongoServerError' &&
    typeof message === 'string' &&
    /failed to connect to `|SQLSTATE 53300/.test(message)
  );
}
