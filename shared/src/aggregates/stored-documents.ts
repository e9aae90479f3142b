import { isDeepStrictEqual } from 'node:util';
import type { Collection } from 'mongoose';
import { mongo } from 'mongoose';
import { isDuplicateKeyError } from '../database/mongo-errors';
import type { WriteOutcome } from './batched-writes';
import { batchedWrites } from './batched-writes';
import type { StoredFields } from './aggregate-schema';
import { STORED_FIELD_NAMES } from './aggregate-schema';
import type { OutboxEntry } from './outbox-entry';

/** A stored aggregate; a document written before the store (or by hand) lacks its fields. */
export type StoredDocument = Record<string, unknown> & Partial<StoredFields> & { _id: string };

/** An aggregate's state as last seen in the database, with the store's own fields. */
export interface Snapshot<S> {
  state: S;
  version: number;
  sequence: number;
  outbox: OutboxEntry[];
}

/** A replacement of the document `id`, applied only if it is still at `version`. */
export interface ConditionalReplace {
  id: string;
  version: number;
  document: StoredDocument;
}

/**
 * The commands the store sends, in its own terms: a write is an insert of a new document or a
 * compare-and-set replacement on `version`, never a partial update (database-capabilities says
 * why).
 */
export interface StoredDocuments {
  find(id: string): Promise<StoredDocument | null>;
  /** False when a document with that id exists. */
  insert(document: StoredDocument): Promise<boolean>;
  /** False when the document is no longer at that version (or is gone). */
  replaceIf(write: ConditionalReplace): Promise<boolean>;
  /** The documents flagged `outboxPending` (an indexed equality). */
  flagged(): AsyncIterable<StoredDocument>;
}

/**
 * Commands of each kind (inserts, compare-and-sets) out at once per collection, and writes per
 * command: the writes that arrive while one is out wait for it and go out together in the next
 * (see batched-writes.ts), so under load a command carries many, committed together. One out at a
 * time, not more: with eight (inserts only), the spread phase's writes mostly went out alone, 7.5
 * commands an order at 126.5 orders/s; with one of each, 2.2 commands an order at 144–154/s, and
 * the POST → final latency at 50/s unchanged (p99 62–81 ms). The price: a write that arrives
 * while a slow command is out waits for it (when commits wait on a busy disk, each hop does).
 */
const WRITE_BATCHING = { maxInFlight: 1, maxBatch: 100 };

/** The store's commands on a collection of a model built by `aggregateSchema`. */
export function mongoDocuments(collection: Collection): StoredDocuments {
  // The driver's collection, typed as the store writes it (mongoose types `_id` as an ObjectId).
  const documents = collection as unknown as mongo.Collection<StoredDocument>;
  const unchanged = ({ id, version }: ConditionalReplace) => ({
    _id: id,
    // Version 0 is a document written before the store (or by hand): it has no `version` yet.
    version: version === 0 ? { $exists: false } : version,
  });
  const insertMany = async (batch: StoredDocument[]): Promise<WriteOutcome[]> => {
    try {
      await documents.insertMany(batch, { ordered: false, ignoreUndefined: true });
      return batch.map(() => true);
    } catch (error) {
      return outcomesOfFailedInsert(error, batch.length);
    }
  };
  /** Every replacement in one unordered command; each one's outcome. */
  const replaceEachIf = async (writes: ConditionalReplace[]): Promise<WriteOutcome[]> => {
    let matched: number;
    let failedAt = new Map<number, mongo.WriteError>();
    try {
      const result = await documents.bulkWrite(
        writes.map((write) => ({
          replaceOne: { filter: unchanged(write), replacement: write.document },
        })),
        { ordered: false, ignoreUndefined: true },
      );
      matched = result.matchedCount;
    } catch (error) {
      const partly = writeErrorsOf(error); // rethrows a failure of the whole command
      failedAt = partly.failedAt;
      matched = partly.result.matchedCount;
    }
    // All that were attempted matched, or none did; otherwise the result does not say which:
    // each document read back tells (see outcomeOfReplace).
    const attempted = writes.length - failedAt.size;
    const allOrNone = matched === attempted || matched === 0;
    return Promise.all(
      writes.map(async (write, index): Promise<WriteOutcome> => {
        const writeError = failedAt.get(index);
        if (writeError) return { failed: asServerError(writeError) };
        if (allOrNone) return matched > 0;
        return outcomeOfReplace(write, await documents.findOne({ _id: write.id }));
      }),
    );
  };
  return {
    find: (id) => documents.findOne({ _id: id }),
    insert: batchedWrites(insertMany, WRITE_BATCHING),
    replaceIf: batchedWrites(replaceEachIf, WRITE_BATCHING),
    flagged: () => documents.find({ outboxPending: true }).batchSize(500),
  };
}

/**
 * An unordered insert that failed for some of its documents says which (by index): those with
 * a duplicate id were not inserted, the others were. Any other failure leaves every document of
 * the command in doubt, and each insert fails with it.
 */
function outcomesOfFailedInsert(error: unknown, count: number): WriteOutcome[] {
  const { failedAt, result } = writeErrorsOf(error);
  if (result.insertedCount + failedAt.size !== count) throw error;
  return Array.from({ length: count }, (_, index): WriteOutcome => {
    const writeError = failedAt.get(index);
    if (!writeError) return true;
    if (isDuplicateKeyError(writeError)) return false;
    return { failed: asServerError(writeError) };
  });
}

/**
 * The writes of an unordered bulk command that failed for some of them, by index, with the
 * result of the others. Rethrows any other failure, which leaves every write of the command in
 * doubt: a write concern not met, or a lost connection (which the driver wraps in the same error,
 * with no write errors).
 */
function writeErrorsOf(error: unknown): {
  failedAt: Map<number, mongo.WriteError>;
  result: mongo.BulkWriteResult;
} {
  if (!(error instanceof mongo.MongoBulkWriteError) || error.result.getWriteConcernError()) {
    throw error;
  }
  const writeErrors = [error.writeErrors].flat();
  // The driver wraps a failure of the command itself in this error too, the original kept as
  // `errorResponse`: that is rethrown, so that it is classified as what it is (database down).
  const cause: unknown = error.errorResponse;
  if (writeErrors.length === 0) throw cause instanceof Error ? cause : error;
  return {
    failedAt: new Map(writeErrors.map((writeError) => [writeError.index, writeError])),
    result: error.result,
  };
}

const asServerError = (writeError: mongo.WriteError) =>
  new mongo.MongoServerError({ message: writeError.errmsg, code: writeError.code });

/**
 * Whether a compare-and-set of a command in which some did not match was applied, from its
 * document as read back. Every write moves a document from its version to the next, so exactly
 * one write makes each version: the document at the version this write would have made holds
 * what it wrote (then this write made it, or another wrote the very same document, events and
 * all, which leaves the same state), or another's. Gone, or still at its version: not applied.
 * Past that version, another write has followed, and whether this one came before it cannot be
 * told: a failure, in doubt, as when the connection drops mid-write (its caller reads again and
 * its event is retried).
 */
export function outcomeOfReplace(
  write: ConditionalReplace,
  stored: StoredDocument | null,
): WriteOutcome {
  const made = write.version + 1;
  const version = stored?.version ?? 0;
  if (!stored || version < made) return false;
  if (version === made) return isDeepStrictEqual(stored, asStored(write.document));
  return {
    failed: new Error(
      `The write of ${write.id} at version ${write.version} is in doubt: the document is at ${version}`,
    ),
  };
}

/** A document as the database gives it back: without its undefined fields. */
function asStored(document: StoredDocument): StoredDocument {
  return mongo.BSON.deserialize(
    mongo.BSON.serialize(document, { ignoreUndefined: true }),
  ) as StoredDocument;
}

/** How a snapshot becomes a document and back: the store's fields beside the state's. */
export interface Codec<S> {
  toDocument(id: string, snapshot: Snapshot<S>): StoredDocument;
  toSnapshot(document: StoredDocument): Snapshot<S>;
}

/**
 * `idField`: the state's own field holding the aggregate's id (`id`, `productId`…), if it has one:
 * it is stored as `_id` only, and put back into the state on every read.
 */
export function codecFor<S extends object>(idField: string | undefined): Codec<S> {
  return {
    toDocument(id, snapshot) {
      const state = { ...snapshot.state } as Record<string, unknown>;
      if (idField !== undefined) delete state[idField];
      return {
        ...state,
        _id: id,
        version: snapshot.version,
        sequence: snapshot.sequence,
        outbox: snapshot.outbox,
        outboxPending: snapshot.outbox.length > 0,
      };
    },
    toSnapshot(document) {
      const state: Record<string, unknown> =
        idField === undefined ? {} : { [idField]: document._id };
      for (const [key, value] of Object.entries(document)) {
        if (key !== '_id' && !STORED_FIELD_NAMES.has(key)) state[key] = value;
      }
      return {
        state: state as S,
        version: document.version ?? 0,
        sequence: document.sequence ?? 0,
        outbox: document.outbox ?? [],
      };
    },
  };
}
