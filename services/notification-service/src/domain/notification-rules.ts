import type { Contact } from '@ecommerce/shared';
import { ORDER_CANCELLED, ORDER_CONFIRMATION } from './default-templates';
import type { Channel, FinalOrderStatus, Notification } from './notification';
import type { RenderedMessage, TemplateType, TemplateVariables } from './template';

export interface DeliveryTarget {
  channel: Channel;
  recipient: string;
}

/**
 * How long an attempt may take before another may take it over. Longer than any send may take
 * (PROVIDER_TIMEOUT_MS is capped below it), shorter than the service's retry budget (at least
 * 101 s by default, see retry-budget.ts), so that an event redelivered after a crash finds the
 * lease run out before it is dead-lettered.
 */
export const DELIVERY_LEASE_MS = 10_000;

/** Shown when a cancellation event carries no reason, which the contract allows. */
export const UNKNOWN_CANCELLATION_REASON = 'no reason was given';

/**
 * Who hears about an order: its email and its phone when given, each on its own channel; an
 * order with neither gets one `log` record addressed to its user, so the fact is still recorded.
 */
export function deliveryTargetsFor(contact: Contact | undefined, userId: string): DeliveryTarget[] {
  const targets: DeliveryTarget[] = [];
  if (contact?.email) targets.push({ channel: 'email', recipient: contact.email });
  if (contact?.phone) targets.push({ channel: 'sms', recipient: contact.phone });
  return targets.length > 0 ? targets : [{ channel: 'log', recipient: userId }];
}

export function templateNameFor(status: FinalOrderStatus): string {
  return status === 'CONFIRMED' ? ORDER_CONFIRMATION : ORDER_CANCELLED;
}

/** A `log` record reads like the email would (subject and text): the fullest plain message. */
export function templateTypeFor(channel: Channel): TemplateType {
  return channel === 'sms' ? 'sms' : 'email';
}

/**
 * The id of the one notification an order gets per status and channel. Being the `_id`, it makes
 * the database refuse a second one, however many times and however concurrently the fact arrives.
 */
export function notificationKey(
  orderId: string,
  status: FinalOrderStatus,
  channel: Channel,
): string {
  return `${orderId}:${status}:${channel}`;
}

/** The variables of the order templates; the total is money, so it is shown with two decimals. */
export function orderTemplateVariables(order: {
  orderId: string;
  totalPrice: number;
  status: FinalOrderStatus;
  reason?: string;
}): TemplateVariables {
  return {
    orderId: order.orderId,
    total: order.totalPrice.toFixed(2),
    ...(order.status === 'CANCELLED' && { reason: order.reason ?? UNKNOWN_CANCELLATION_REASON }),
  };
}

export type DeliveryStep = 'done' | 'in-flight' | 'attempt-again';

/**
 * What to do with a notification that already exists when its fact arrives again: nothing if it
 * was sent; wait if an attempt started less than a lease ago (it may still succeed); otherwise
 * attempt again (it failed, or the attempt that claimed it crashed before finishing).
 */
export function nextDeliveryStep(
  notification: Pick<Notification, 'status' | 'lastAttemptAt'>,
  now: Date,
  leaseMs: number = DELIVERY_LEASE_MS,
): DeliveryStep {
  if (notification.status === 'SENT') return 'done';
  if (
    notification.status === 'PENDING' &&
    now.getTime() - notification.lastAttemptAt.getTime() < leaseMs
  ) {
    return 'in-flight';
  }
  return 'attempt-again';
}

/** A notification about to be delivered for the first time: stored PENDING, attempt 1 started. */
export function newPendingNotification(
  fields: Pick<Notification, 'id' | 'type' | 'recipient' | 'template' | 'orderId' | 'orderStatus'>,
  message: RenderedMessage,
  now: Date,
): Notification {
  return {
    ...fields,
    status: 'PENDING',
    attempts: 1,
    ...(message.subject !== undefined && { subject: message.subject }),
    body: message.text,
    ...(message.html !== undefined && { htmlBody: message.html }),
    createdAt: now,
    lastAttemptAt: now,
  };
}
