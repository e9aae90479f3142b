import type { Connection, Model } from 'mongoose';
import { aggregateSchema } from '@ecommerce/shared';
import type { Notification } from '../domain/notification';

/**
 * A notification. `_id` is `<orderId>:<status>:<channel>` for one about an order (the unique
 * key that keeps it single) and a UUID for one sent through the API.
 */
export type NotificationDocument = Omit<Notification, 'id'> & { _id: string };

const notificationSchema = aggregateSchema<Omit<Notification, 'id'>>(
  {
    type: { type: String, enum: ['email', 'sms', 'log'], required: true },
    recipient: { type: String, required: true },
    template: { type: String, required: true },
    orderId: String,
    orderStatus: { type: String, enum: ['CONFIRMED', 'CANCELLED'] },
    status: { type: String, enum: ['PENDING', 'SENT', 'FAILED'], required: true },
    attempts: { type: Number, required: true },
    subject: String,
    body: { type: String, required: true },
    htmlBody: String,
    provider: String,
    providerMessageId: String,
    error: String,
    createdAt: { type: Date, required: true },
    lastAttemptAt: { type: Date, required: true },
    sentAt: Date,
  },
  { collection: 'notifications' },
);
notificationSchema.index({ createdAt: -1, _id: 1 });
notificationSchema.index({ orderId: 1, createdAt: -1 });
notificationSchema.index({ recipient: 1, createdAt: -1 });

export function notificationModel(connection: Connection): Model<NotificationDocument> {
  return connection.model<NotificationDocument>('Notification', notificationSchema);
}
