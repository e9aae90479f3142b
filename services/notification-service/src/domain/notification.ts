import type { OrderStatus } from '@ecommerce/shared';
import type { TemplateType, TemplateVariables } from './template';

/** The statuses an order notification is about. */
export type FinalOrderStatus = Exclude<OrderStatus, 'PENDING'>;

/** Where a notification goes: a real channel, or the log when the order has no contact data. */
export type Channel = 'email' | 'sms' | 'log';

/**
 * The outcome of the latest delivery attempt. `FAILED` is not final: a redelivered event (retry
 * or DLQ replay) attempts it again; only `SENT` is.
 */
export const NOTIFICATION_STATUSES = ['PENDING', 'SENT', 'FAILED'] as const;
export type NotificationStatus = (typeof NOTIFICATION_STATUSES)[number];

/**
 * A notification as the domain and the API see it. `type` is the channel asked for (`email`
 * for an email, even while every channel is delivered by the log provider); `provider` names
 * what actually delivered it, so a record never claims an email went out when it was logged.
 */
export interface Notification {
  id: string;
  type: Channel;
  recipient: string;
  template: string;
  orderId?: string;
  /** The order status that caused it, for notifications about an order. */
  orderStatus?: FinalOrderStatus;
  status: NotificationStatus;
  /** Delivery attempts started, the first included. */
  attempts: number;
  /** The rendered message, kept so a later attempt sends exactly what was rendered first. */
  subject?: string;
  body: string;
  htmlBody?: string;
  provider?: string;
  providerMessageId?: string;
  error?: string;
  createdAt: Date;
  /** When the latest attempt started: an attempt younger than the lease is still in flight. */
  lastAttemptAt: Date;
  sentAt?: Date;
}

/** `POST /api/notifications`: send a template to one recipient. */
export interface NotificationRequest {
  type: TemplateType;
  recipient: string;
  template: string;
  variables?: TemplateVariables;
}
