import type { Collection, mongo } from 'mongoose';
import { isDuplicateKeyError } from '../database/mongo-errors';
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

/** The store's commands on a collection of a model built by `aggregateSchema`. */
export function mongoDocuments(collection: Collection): StoredDocuments {
  // The driver's collection, typed as the store writes it (mongoose types `_id` as an ObjectId).
  const documents = collection as unknown as mongo.Collection<StoredDocument>;
  const unchanged = ({ id, version }: ConditionalReplace) => ({
    _id: id,
    // Version 0 is a document written before the store (or by hand): it has no `version` yet.
    version: version === 0 ? { $exists: false } : version,
  });
  return {
    find: (id) => documents.findOne({ _id: id }),
    async insert(document) {
      try {
        await documents.insertOne(document, { ignoreUndefined: true });
        return true;
      } catch (error) {
        if (isDuplicateKeyError(error)) return false;
        throw error;
      }
    },
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
