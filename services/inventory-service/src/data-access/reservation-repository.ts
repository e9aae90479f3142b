import type { Connection } from 'mongoose';
import { Schema } from 'mongoose';
import type {
  AggregateStore,
  Decide,
  EventDraft,
  OrderLine,
  ServiceInfrastructure,
  Updated,
} from '@ecommerce/shared';
import { aggregateSchema } from '@ecommerce/shared';
import type { Reservation } from '../domain/inventory';
import type { ReservationRepositoryPort } from '../domain/inventory-ports';

/** A reservation as stored: its state under `_id` (the order's id), beside the store's own fields. */
export type ReservationDocument = Omit<Reservation, 'orderId'> & { _id: string };

const reservationSchema = aggregateSchema<Omit<Reservation, 'orderId'>>(
  {
    status: {
      type: String,
      enum: ['RESERVED', 'REJECTED', 'COMMITTED', 'RELEASED', 'VOIDED'],
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
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
  },
  { collection: 'reservations' },
);

/**
 * What the inventory decided per order, keyed by the order id, with the outbox of the
 * `inventory.status.updated` it owes. Inserted once, already decided; the unique id is what
 * makes a redelivered order.created, or one that comes after a cancellation, find it.
 */
export class ReservationRepository implements ReservationRepositoryPort {
  private readonly store: AggregateStore<Reservation>;

  constructor(connection: Connection, stores: ServiceInfrastructure['stores']) {
    const model = connection.model('Reservation', reservationSchema);
    this.store = stores.define<Reservation>(model.collection, { idField: 'orderId' });
  }

  findByOrderId(orderId: string): Promise<Reservation | null> {
    return this.store.read(orderId);
  }

  /** Stores the reservation with its events; false when the order has one already. */
  create(reservation: Reservation, events: EventDraft[] = []): Promise<boolean> {
    return this.store.create(reservation.orderId, reservation, events);
  }

  update<R = undefined>(
    orderId: string,
    decide: Decide<Reservation, R>,
  ): Promise<Updated<Reservation, R> | null> {
    return this.store.update(orderId, decide);
  }
}
