import type { Connection, Model } from 'mongoose';
import { Schema } from 'mongoose';
import { isDuplicateKeyError } from '../database/mongo-errors';

/**
 * The dedup record of a consumer: one document per event id the service has handled. Unique by
 * `_id`, so recording the same event twice is harmless. A crash between a handler's effect and
 * this record means the event is handled again, which is why handlers are also idempotent per
 * business fact (see each service's domain).
 */
interface ProcessedEventDocument {
  _id: string;
  eventType: string;
  processedAt: Date;
}

const processedEventSchema = new Schema<ProcessedEventDocument>(
  {
    _id: { type: String, required: true },
    eventType: { type: String, required: true },
    processedAt: { type: Date, required: true, index: true },
  },
  { collection: 'processed_events', versionKey: false },
);

export interface ProcessedEventStore {
  has(eventId: string): Promise<boolean>;
  record(eventId: string, eventType: string): Promise<void>;
  pruneOlderThan(cutoff: Date): Promise<number>;
}

export class MongoProcessedEventStore implements ProcessedEventStore {
  private readonly model: Model<ProcessedEventDocument>;

  constructor(connection: Connection) {
    this.model = connection.model<ProcessedEventDocument>('ProcessedEvent', processedEventSchema);
  }

  async has(eventId: string): Promise<boolean> {
    return (await this.model.exists({ _id: eventId })) !== null;
  }

  async record(eventId: string, eventType: string): Promise<void> {
    try {
      await this.model.create({ _id: eventId, eventType, processedAt: new Date() });
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
    }
  }

  async pruneOlderThan(cutoff: Date): Promise<number> {
    const result = await this.model.deleteMany({ processedAt: { $lt: cutoff } });
    return result.deletedCount;
  }
}
