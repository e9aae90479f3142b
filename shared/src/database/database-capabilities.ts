import type { Connection } from 'mongoose';
import { KeyedMutex } from '../concurrency/keyed-mutex';

/*
 * What the database server can do, and every adaptation the code makes because the development
 * database, FerretDB v1 on PostgreSQL, cannot do what MongoDB does. This is the one module that
 * names it: each adaptation below says what MongoDB does instead, so a deployment on MongoDB
 * alone knows what it could delete. The rest of the code asks for a capability, never for the
 * server's kind.
 *
 * Constraints the rest of the code keeps, so that it runs the same on both:
 * - No multi-document transactions (FerretDB has none; a standalone MongoDB neither): an event's
 *   outbox entry is written inside the document whose change caused it (aggregates/outbox-entry).
 * - A write of the aggregate store is an insert or a compare-and-set replacement on `version`,
 *   never a partial update: FerretDB applies a replacement without reading the document, and a
 *   `$set` as a read and a write back (aggregates/stored-documents, scripts/ferretdb/patches).
 * - Unique indexes are relied on for inserts only: FerretDB reports an update that breaks one
 *   with a generic code 1, MongoDB with 11000 (database/mongo-errors).
 * - Writes ask for `{ w: 'majority', journal: true }` (database/connect-database): FerretDB
 *   accepts it and acknowledges once PostgreSQL has the write's WAL on disk (scripts/ferretdb).
 * - No `$group` with more than one accumulator: FerretDB v1 (1.24) fills the first and leaves the
 *   others 0 (`{n: {$sum: 1}, a: {$sum: '$available'}}` gives `a: 0`). Sums over a few fields
 *   are added up by the service (inventory's product-repository `totals`).
 */

export interface DatabaseCapabilities {
  /** Name and version, for the start-up log line. */
  server: string;
  /**
   * The server applies a conditional update atomically, so that two processes' conditional
   * updates of one document cannot both succeed. MongoDB does; FerretDB v1 reads the document
   * and writes it back.
   */
  atomicUpdates: boolean;
  /** Multi-document transactions (MongoDB in a replica set or behind mongos). Nothing needs them. */
  transactions: boolean;
}

/** What `buildInfo` and `hello` say about the server, as far as capabilities go. */
export interface ServerDescription {
  buildInfo: { version?: unknown; ferretdbVersion?: unknown };
  hello: { setName?: unknown; msg?: unknown };
}

export function capabilitiesOf({ buildInfo, hello }: ServerDescription): DatabaseCapabilities {
  if (buildInfo.ferretdbVersion !== undefined) {
    return {
      server: `FerretDB ${String(buildInfo.ferretdbVersion)}`,
      atomicUpdates: false,
      transactions: false,
    };
  }
  return {
    server: `MongoDB ${String(buildInfo.version)}`,
    atomicUpdates: true,
    transactions: hello.setName !== undefined || hello.msg === 'isdbgrid',
  };
}

export async function readDatabaseCapabilities(
  connection: Connection,
): Promise<DatabaseCapabilities> {
  const db = connection.db;
  if (!db) throw new Error('The database connection is not open');
  const [buildInfo, hello] = await Promise.all([
    db.admin().buildInfo(),
    db.admin().command({ hello: 1 }),
  ]);
  return capabilitiesOf({ buildInfo, hello });
}

/**
 * Adaptation: at most this many commands of a service process at once. FerretDB answers an
 * update by holding one connection of its PostgreSQL pool (50) for the read while it waits for a
 * second one for the write, so 50 updates at once, from all its clients together, deadlock it for
 * good. The three services at 10 each stay below that, and below the 40 commands that this
 * project's FerretDB build lets run at once (scripts/ferretdb), where more would only wait.
 * Commands beyond the pool wait in the driver, which sets no bound of its own: HTTP admission
 * control (http/admission-queue.ts) and the consumers' prefetch bound what waits there.
 * MongoDB: the driver's default pool (100) is safe; the database here has two cores anyway.
 */
export const CONNECTION_POOL_SIZE = 10;

/**
 * Adaptation: FerretDB answers with a generic server error when it cannot reach its own
 * PostgreSQL (refused for lack of connection slots, SQLSTATE 53300, or not answering): for the
 * client that is the database being unavailable, not a bad request. MongoDB: its unavailability
 * shows as the driver's network and server-selection errors, which are classified without this.
 */
export function isStorageBackendUnavailable(error: unknown): boolean {
  const message = (error as { message?: unknown } | null)?.message;
  return (
    (error as { name?: unknown } | null)?.name === 'MongoServerError' &&
    typeof message === 'string' &&
    /failed to connect to `|SQLSTATE 53300/.test(message)
  );
}

/**
 * How the instances of a service share its queue. `competing`: all consume at once.
 * `one-at-a-time-without-atomic-updates`, for a service whose handlers rely on the database
 * applying a conditional update atomically: competing where it does, and otherwise one instance
 * at a time, the others standing by (RabbitMQ's single active consumer).
 */
export type ConsumerPolicy = 'competing' | 'one-at-a-time-without-atomic-updates';

/**
 * Adaptation: whether the instances of a service must consume one at a time. On FerretDB two
 * instances' conditional stock updates of one product could both succeed and oversell. MongoDB:
 * always competing consumers; the conditional updates keep them exact.
 */
export function needsSingleActiveConsumer(
  policy: ConsumerPolicy,
  capabilities: DatabaseCapabilities,
): boolean {
  return policy === 'one-at-a-time-without-atomic-updates' && !capabilities.atomicUpdates;
}

/**
 * Adaptation: a process's writes to one document, outside the aggregate store (which orders its
 * own), go one at a time per key. FerretDB applies a replace or a delete by reading and writing
 * back, so two interleaved writes of one document can lose one. MongoDB applies each atomically;
 * there the lock only queues what needed no queue.
 */
export function oneWriteAtATimePerDocument(): KeyedMutex {
  return new KeyedMutex();
}

/**
 * Adaptation: records past their retention (dedup records, idempotency keys) are deleted by the
 * service itself, this often: FerretDB v1 has no TTL indexes. MongoDB: a TTL index on the record's
 * date would delete them, and the pruning could go.
 */
export const PRUNE_INTERVAL_MS = 60 * 60 * 1000;
