import type { Connection, Model } from 'mongoose';
import { Schema } from 'mongoose';
import { oneWriteAtATimePerDocument } from '../database/database-capabilities';

/**
 * An index of what sits in a service's dead-letter queue. AMQP cannot look at a queue without
 * taking messages out of it, so each message is recorded here as it is dead-lettered; the
 * queue stays the source of truth for replay and discard, which remove both together.
 */
export interface DeadLetterRecord {
  eventId: string;
  routingKey: string;
  eventType?: string;
  correlationId?: string;
  error: string;
  attempts: number;
  failedAt: Date;
}

interface DeadLetterDocument extends Omit<DeadLetterRecord, 'eventId'> {
  _id: string;
}

const deadLetterSchema = new Schema<DeadLetterDocument>(
  {
    _id: { type: String, required: true },
    routingKey: { type: String, required: true },
    eventType: String,
    correlationId: String,
    error: { type: String, required: true },
    attempts: { type: Number, required: true },
    failedAt: { type: Date, required: true, index: true },
  },
  { collection: 'dead_letters', versionKey: false },
);

export class DeadLetterIndex {
  private readonly model: Model<DeadLetterDocument>;
  // A replayed message that fails again is recorded while the replay removes its old record:
  // where each of the two is a read and a write, interleaved they lose the new record.
  private readonly locks = oneWriteAtATimePerDocument();

  constructor(connection: Connection) {
    this.model = connection.model<DeadLetterDocument>('DeadLetter', deadLetterSchema);
  }

  async save(record: DeadLetterRecord): Promise<void> {
    const { eventId, ...fields } = record;
    await this.locks.run(eventId, () =>
      this.model.replaceOne({ _id: eventId }, fields, { upsert: true }),
    );
  }

  async list(limit: number, offset: number): Promise<{ items: DeadLetterRecord[]; total: number }> {
    const [documents, total] = await Promise.all([
      this.model.find().sort({ failedAt: -1, _id: 1 }).skip(offset).limit(limit).lean(),
      this.model.countDocuments(),
    ]);
    return {
      items: documents.map(({ _id, ...fields }) => ({ eventId: _id, ...fields })),
      total,
    };
  }

  /**
   * Forgets the record of a message taken out of the queue. With `failedAt` (the message's
   * `x-failed-at`), only the record of that very dead-lettering: a replayed message that failed
   * again may already have a newer record, made while the replay was still finishing.
   */
  async remove(eventId: string, failedAt?: Date): Promise<void> {
    await this.locks.run(eventId, () =>
      this.model.deleteOne({ _id: eventId, ...(failedAt && { failedAt }) }),
    );
  }
}
