import type { SchemaDefinition, SchemaOptions } from 'mongoose';
import { Schema } from 'mongoose';
import type { OutboxEntry } from './outbox-entry';
import { outboxEntrySchema } from './outbox-entry';

/** The fields the aggregate store keeps beside an aggregate's own state in its document. */
export interface StoredFields {
  /** Bumped by every write: the compare-and-set condition. */
  version: number;
  /** The last event sequence used for this aggregate (its first event is 1). */
  sequence: number;
  /** Events written with the state that caused them and not yet known to be confirmed. */
  outbox: OutboxEntry[];
  /** True while `outbox` is not empty: an equality the safety scan finds through an index. */
  outboxPending: boolean;
}

export const STORED_FIELD_NAMES: ReadonlySet<string> = new Set<keyof StoredFields>([
  'version',
  'sequence',
  'outbox',
  'outboxPending',
]);

/**
 * The mongoose schema of an aggregate's collection: `_id` is the aggregate's id (a string),
 * `definition` its state, plus the store's own fields. The store writes through the driver; the
 * schema gives the indexes (`syncIndexes`) and the typed reads of list endpoints.
 */
export function aggregateSchema<S extends object>(
  definition: SchemaDefinition<S>,
  options: Pick<SchemaOptions, 'collection'> & { collection: string },
): Schema {
  const schema = new Schema(
    {
      _id: { type: String, required: true },
      ...definition,
      version: { type: Number, required: true },
      sequence: { type: Number, required: true },
      outbox: { type: [outboxEntrySchema], default: [] },
      outboxPending: { type: Boolean, required: true },
    },
    { ...options, versionKey: false },
  );
  schema.index({ outboxPending: 1 });
  return schema;
}
