import type { Collection } from 'mongoose';
import { mongo } from 'mongoose';
import { isDuplicateKeyError } from '../database/mongo-errors';
import type { InsertOutcome } from './batched-inserts';
import { batchedInserts } from './batched-inserts';
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
  /** Every replacement in one unordered command; resolves with how many matched. */
  replaceAllIf(writes: ConditionalReplace[]): Promise<number>;
  /** The documents flagged `outboxPending` (an indexed equality). */
  flagged(): AsyncIterable<StoredDocument>;
}

/**
 * Inserts in flight per collection and documents per insert command: under a burst of new orders
 * a command carries many, committed together (see batched-inserts.ts).
 */
const INSERT_BATCHING = { maxInFlight: 8, maxBatch: 100 };

/** The store's commands on a collection of a model built by `aggregateSchema`. */
export function mongoDocuments(collection: Collection): StoredDocuments {
  // The driver's collection, typed as the store writes it (mongoose types `_id` as an ObjectId).
  const documents = collection as unknown as mongo.Collection<StoredDocument>;
  const unchanged = ({ id, version }: ConditionalReplace) => ({
    _id: id,
    // Version 0 is a document written before the store (or by hand): it has no `version` yet.
    version: version === 0 ? { $exists: false } : version,
  });
  const insertMany = async (batch: StoredDocument[]): Promise<InsertOutcome[]> => {
    try {
      await documents.insertMany(batch, { ordered: false, ignoreUndefined: true });
      return batch.map(() => 'inserted');
    } catch (error) {
      return outcomesOfFailedInsert(error, batch.length);
    }
  };
  return {
    find: (id) => documents.findOne({ _id: id }),
    insert: batchedInserts(insertMany, INSERT_BATCHING),
    async replaceIf(write) {
      const result = await documents.replaceOne(unchanged(write), write.document, {
        ignoreUndefined: true,
      });
      return result.matchedCount === 1;
    },
    async replaceAllIf(writes) {
      const result = await documents.bulkWrite(
        writes.map((write) => ({
          replaceOne: { filter: unchanged(write), replacement: write.document },
        })),
        { ordered: false, ignoreUndefined: true },
      );
      return result.matchedCount;
    },
    flagged: () => documents.find({ outboxPending: true }).batchSize(500),
  };
}

/**
 * An unordered insert that failed for some of its documents says which (by index): those with
 * a duplicate id were not inserted, the others were. Any other failure leaves every document of
 * the command in doubt, and each insert fails with it: a write concern not met, or a lost
 * connection (which the driver wraps in the same error, with no write errors).
 */
function outcomesOfFailedInsert(error: unknown, count: number): InsertOutcome[] {
  if (!(error instanceof mongo.MongoBulkWriteError) || error.result.getWriteConcernError()) {
    throw error;
  }
  const writeErrors = [error.writeErrors].flat();
  // The driver wraps a failure of the command itself in this error too, the original kept as
  // `errorResponse`: that is rethrown, so that it is classified as what it is (database down).
  const cause: unknown = error.errorResponse;
  if (writeErrors.length === 0) throw cause instanceof Error ? cause : error;
  if (error.result.insertedCount + writeErrors.length !== count) throw error;
  const failedAt = new Map(writeErrors.map((writeError) => [writeError.index, writeError]));
  return Array.from({ length: count }, (_, index): InsertOutcome => {
    const writeError = failedAt.get(index);
    if (!writeError) return 'inserted';
    if (isDuplicateKeyError(writeError)) return 'duplicate';
    return {
      failed: new mongo.MongoServerError({ message: writeError.errmsg, code: writeError.code }),
    };
  });
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
