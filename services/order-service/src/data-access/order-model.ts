import type { Connection, Model } from 'mongoose';
import { Schema } from 'mongoose';
import type { Contact, OrderLine } from '@ecommerce/shared';
import { aggregateSchema } from '@ecommerce/shared';
import type { Order } from '../domain/order';

/** An order as stored: its state under `_id`, beside the aggregate store's own fields. */
export type OrderDocument = Omit<Order, 'id'> & { _id: string };

const orderSchema = aggregateSchema<Omit<Order, 'id'>>(
  {
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
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
  },
  { collection: 'orders' },
);
orderSchema.index({ createdAt: -1, _id: 1 });
orderSchema.index({ userId: 1, createdAt: -1 });
orderSchema.index({ status: 1, createdAt: -1 });

export function orderModel(connection: Connection): Model<OrderDocument> {
  return connection.model<OrderDocument>('Order', orderSchema);
}
