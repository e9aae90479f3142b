import type { Change, Contact } from '@ecommerce/shared';
import { ORDER_CANCELLED, ORDER_CONFIRMATION } from './default-templates';
import type { Channel, FinalOrderStatus, Notification } from './notification';
import type { DeliveryReceipt } from './notification-provider';
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

/**
 * The variables of the order templates; the total is money, so it is shown with two decimals and
 * its currency (`999.99 EUR`).
 */
export function orderTemplateVariables(order: {
  orderId: string;
  totalPrice: number;
  currency: string;
  status: FinalOrderStatus;
  reason?: string;
}): TemplateVariables {
  return {
    orderId: order.orderId,
    total: `${order.totalPrice.toFixed(2)} ${order.currency}`,
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

/**
 * Claims another attempt on an existing notification when that is due (see nextDeliveryStep):
 * PENDING again, one more attempt, the last error cleared. The step is the caller's result, so
 * it knows whether to deliver, to do nothing, or to wait for the attempt in flight.
 */
export function claimAttempt(now: Date = new Date()) {
  return (notification: Notification): Change<Notification, DeliveryStep> => {
    const step = nextDeliveryStep(notification, now);
    if (step !== 'attempt-again') return { result: step };
    return {
      next: {
        ...withoutError(notification),
        status: 'PENDING',
        attempts: notification.attempts + 1,
        lastAttemptAt: now,
      },
      result: step,
    };
  };
}

/** Whichever attempt it was, the message went out: the notification is sent. */
export function recordSent(provider: string, receipt: DeliveryReceipt, now: Date = new Date()) {
  return (notification: Notification): Change<Notification> => {
    return {
      next: {
        ...withoutError(notification),
        status: 'SENT',
        provider,
        sentAt: now,
        ...(receipt.providerMessageId !== undefined && {
          providerMessageId: receipt.providerMessageId,
        }),
      },
    };
  };
}

/**
 * Records a failed attempt, unless a later attempt has claimed the notification or it was sent
 * meanwhile (a failure must never overwrite a success).
 */
export function recordFailure(
  attempt: Pick<Notification, 'attempts'>,
  provider: string,
  error: string,
) {
  return (notification: Notification): Change<Notification> | null => {
    if (notification.attempts !== attempt.attempts || notification.status !== 'PENDING') {
      return null;
    }
    return { next: { ...notification, status: 'FAILED', provider, error } };
  };
}

/** The notification without the error of its last attempt (a new attempt, or a success). */
function withoutError(notification: Notification): Notification {
  const copy = { ...notification };
  delete copy.error;
  return copy;
}
