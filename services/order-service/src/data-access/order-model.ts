import type { Connection, Model } from 'mongoose';
import { Schema } from 'mongoose';
import type { Contact, PricedLine } from '@ecommerce/shared';
import { aggregateSchema } from '@ecommerce/shared';
import type { HistoryEntry, Order } from '../domain/order';

const ORDER_STATUSES = ['PENDING', 'CONFIRMED', 'CANCELLED'];

/** An order as stored: its state under `_id`, beside the aggregate store's own fields. */
export type OrderDocument = Omit<Order, 'id'> & { _id: string };

const orderSchema = aggregateSchema<Omit<Order, 'id'>>(
  {
    userId: { type: String, required: true },
    products: {
      type: [
        new Schema<PricedLine>(
          {
            productId: { type: String, required: true },
            quantity: { type: Number, required: true },
            unitPrice: { type: Number, required: true },
          },
          { _id: false },
        ),
      ],
      required: true,
    },
    totalPrice: { type: Number, required: true },
    currency: { type: String, required: true },
    contact: {
      type: new Schema<Contact>({ email: String, phone: String }, { _id: false }),
      required: false,
    },
    status: { type: String, enum: ORDER_STATUSES, required: true },
    statusReason: String,
    expiresAt: { type: Date, required: false },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
    history: {
      type: [
        new Schema<HistoryEntry>(
          {
            status: { type: String, enum: ORDER_STATUSES, required: true },
            at: { type: Date, required: true },
            reason: String,
            eventId: { type: String, required: true },
            eventType: { type: String, required: true },
            source: { type: String, required: true },
          },
          { _id: false },
        ),
      ],
      default: [],
    },
  },
  { collection: 'orders' },
);
orderSchema.index({ createdAt: -1, _id: 1 });
orderSchema.index({ userId: 1, createdAt: -1 });
orderSchema.index({ status: 1, createdAt: -1 });
// The expiry's: only PENDING orders have the field (finalise removes it).
orderSchema.index({ expiresAt: 1 });

export function orderModel(connection: Connection): Model<OrderDocument> {
  return connection.model<OrderDocument>('Order', orderSchema);
}
