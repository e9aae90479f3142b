import type { Connection, Model } from 'mongoose';
import { Schema } from 'mongoose';
import type { Contact, OrderLine, OutboxEntry } from '@ecommerce/shared';
import type { Order } from '../domain/order';
import { outboxEntrySchema } from '@ecommerce/shared';

export type OrderDocument = Omit<Order, 'id'> & {
  _id: string;
  /** How many events this service has published about the order: the last `sequence` used. */
  eventSequence: number;
  /** Events written with the state that caused them, waiting for the relay to publish them. */
  outbox: OutboxEntry[];
};

const orderSchema = new Schema<OrderDocument>(
  {
    _id: { type: String, required: true },
    userId: { type: String, required: true },
    products: {
      type: [
        new Schema<OrderLine>(
          {
            productId: { type: String, required: true },
            quantity: { type: Number, required: true },
          },
          { _id: false },
        ),
      ],
      required: true,
    },
    totalPrice: { type: Number, required: true },
    contact: {
      type: new Schema<Contact>({ email: String, phone: String }, { _id: false }),
      required: false,
    },
    status: { type: String, enum: ['PENDING', 'CONFIRMED', 'CANCELLED'], required: true },
    statusReason: String,
    eventSequence: { type: Number, required: true },
    outbox: { type: [outboxEntrySchema], default: [] },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
  },
  { collection: 'orders', versionKey: false },
);
orderSchema.index({ createdAt: -1, _id: 1 });
orderSchema.index({ userId: 1, createdAt: -1 });
orderSchema.index({ status: 1, createdAt: -1 });
orderSchema.index({ 'outbox.eventId': 1 });

export function orderModel(connection: Connection): Model<OrderDocument> {
  return connection.model<OrderDocument>('Order', orderSchema);
}
