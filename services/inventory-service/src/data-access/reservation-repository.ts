import type { Connection, Model } from 'mongoose';
import { Schema } from 'mongoose';
import type { AnyEvent, KeyedMutex, OrderLine, OutboxEntry, OutboxSource } from '@ecommerce/shared';
import {
  isDuplicateKeyError,
  lockKey,
  outboxEntrySchema,
  outboxOf,
  toOutboxEntry,
} from '@ecommerce/shared';
import type { Reservation, ReservationStatus } from '../domain/inventory';

interface ReservationDocument {
  _id: string;
  status: ReservationStatus;
  lines: OrderLine[];
  reason?: string;
  eventSequence: number;
  outbox: OutboxEntry[];
  createdAt: Date;
  updatedAt: Date;
}

const reservationSchema = new Schema<ReservationDocument>(
  {
    _id: { type: String, required: true },
    status: {
      type: String,
      enum: ['RESERVING', 'RESERVED', 'REJECTED', 'COMMITTED', 'RELEASED', 'VOIDED'],
      required: true,
    },
    lines: {
      type: [
        new Schema<OrderLine>(
          {
            productId: { type: String, required: true },
            quantity: { type: Number, required: true },
          },
          { _id: false },
        ),
      ],
      default: [],
    },
    reason: String,
    eventSequence: { type: Number, required: true },
    outbox: { type: [outboxEntrySchema], default: [] },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
  },
  { collection: 'reservations', versionKey: false },
);
reservationSchema.index({ 'outbox.eventId': 1 });

/**
 * What the inventory decided per order, keyed by the order id, with the outbox of the
 * `inventory.status.updated` events it owes. Status changes are conditional on the status
 * expected, so a redelivered or late event finds the work already done.
 */
export class ReservationRepository {
  private readonly model: Model<ReservationDocument>;
  readonly outbox: OutboxSource;

  constructor(
    connection: Connection,
    private readonly locks: KeyedMutex,
    private readonly onEventStored: (source: string, documentId: unknown) => void,
  ) {
    this.model = connection.model<ReservationDocument>('Reservation', reservationSchema);
    this.outbox = outboxOf(this.model);
  }

  async findByOrderId(orderId: string): Promise<Reservation | null> {
    const document = await this.model.findById(orderId).lean();
    return document && toReservation(document);
  }

  /** Records a new reservation in `status` (RESERVING, or VOIDED for a tombstone); false if one exists. */
  async create(orderId: string, status: ReservationStatus, lines: OrderLine[]): Promise<boolean> {
    const now = new Date();
    try {
      await this.model.create({
        _id: orderId,
        status,
        lines,
        eventSequence: 0,
        outbox: [],
        createdAt: now,
        updatedAt: now,
      });
      return true;
    } catch (error) {
      if (isDuplicateKeyError(error)) return false;
      throw error;
    }
  }

  /**
   * Moves the reservation from `from` to `to`, storing `eventFor`'s event (if any) with the
   * reservation's next sequence in the same write. False when it was no longer in `from`.
   */
  async transition(
    orderId: string,
    from: ReservationStatus,
    to: { status: ReservationStatus; reason?: string },
    eventFor?: (sequence: number) => AnyEvent,
  ): Promise<boolean> {
    const changed = await this.locks.run(lockKey(this.outbox.name, orderId), async () => {
      const current = await this.model.findById(orderId).lean();
      if (!current || current.status !== from) return false;
      const event = eventFor?.(current.eventSequence + 1);
      const result = await this.model.updateOne(
        { _id: orderId, status: from, eventSequence: current.eventSequence },
        {
          $set: {
            status: to.status,
            updatedAt: new Date(),
            ...(to.reason && { reason: to.reason }),
          },
          ...(event && { $inc: { eventSequence: 1 }, $push: { outbox: toOutboxEntry(event) } }),
        },
      );
      return result.modifiedCount === 1;
    });
    if (changed && eventFor) this.onEventStored(this.outbox.name, orderId);
    return changed;
  }
}

function toReservation(document: ReservationDocument): Reservation {
  return {
    orderId: document._id,
    status: document.status,
    lines: document.lines.map(({ productId, quantity }) => ({ productId, quantity })),
    ...(document.reason && { reason: document.reason }),
  };
}
