/**
 * FerretDB reports a duplicate key on insert with code 11000 (but no `keyValue`), and on an
 * update that breaks a unique index with code 1; MongoDB uses 11000 for both.
 */
export function isDuplicateKeyError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 11000 || code === 11001;
}

/** Errors that mean "the database is not reachable right now", not "the request was bad". */
export function isDatabaseUnavailableError(error: unknown): boolean {
  const name = (error as { name?: unknown } | null)?.name;
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
