import type { Connection, Model } from 'mongoose';
import { Schema } from 'mongoose';
import { isDuplicateKeyError } from '@ecommerce/shared';
import type { IdempotencyClaim, IdempotencyKeyRepositoryPort } from '../domain/order-ports';

interface IdempotencyKeyDocument {
  _id: string;
  requestFingerprint: string;
  orderId: string;
  createdAt: Date;
}

const idempotencyKeySchema = new Schema<IdempotencyKeyDocument>(
  {
    _id: { type: String, required: true },
    requestFingerprint: { type: String, required: true },
    orderId: { type: String, required: true },
    createdAt: { type: Date, required: true, index: true },
  },
  { collection: 'idempotency_keys', versionKey: false },
);

/**
 * `Idempotency-Key`s of order requests. The first request to insert a key owns it (the insert is
 * atomic on the unique `_id`); later ones read which order and which request it stands for.
 */
export class IdempotencyKeyRepository implements IdempotencyKeyRepositoryPort {
  private readonly model: Model<IdempotencyKeyDocument>;

  constructor(connection: Connection) {
    this.model = connection.model<IdempotencyKeyDocument>('IdempotencyKey', idempotencyKeySchema);
  }

  /** Stores the key for this request and order, or returns what it already stands for. */
  async claim(key: string, candidate: IdempotencyClaim): Promise<IdempotencyClaim> {
    try {
      await this.model.create({ _id: key, ...candidate, createdAt: new Date() });
      return candidate;
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
    }
    const existing = await this.find(key);
    if (!existing) throw new Error(`Idempotency key ${key} vanished while being read`);
    return existing;
  }

  async find(key: string): Promise<IdempotencyClaim | null> {
    const existing = await this.model.findById(key).lean();
    return (
      existing && { orderId: existing.orderId, requestFingerprint: existing.requestFingerprint }
    );
  }

  async pruneOlderThan(cutoff: Date): Promise<void> {
    await this.model.deleteMany({ createdAt: { $lt: cutoff } });
  }
}
