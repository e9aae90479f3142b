import type { AnyEvent, EventEnvelope } from '@ecommerce/shared';
import { draftEvent } from '@ecommerce/shared';
import { SERVICE_NAME } from '../config';
import type { Order, StatusChange } from './order';

/**
 * The order service's events about one order. The order's store numbers them (`sequence`: 1 for
 * order.created, then one more each), since it alone knows how many the order has had.
 */
export function orderCreated(
  order: Order,
  correlationId: string,
): Omit<EventEnvelope<'order.created'>, 'sequence'> {
  return draftEvent({
    eventType: 'order.created',
    source: SERVICE_NAME,
    aggregateId: order.id,
    correlationId,
    data: {
      orderId: order.id,
      userId: order.userId,
      products: order.products,
      totalPrice: order.totalPrice,
      currency: order.currency,
      ...(order.contact && { contact: order.contact }),
    },
  });
}

/** Why an order changes: the request's correlation id, and the event that caused it, if any. */
export interface Cause {
  correlationId: string;
  /** The event behind the change (the inventory's answer); none for a customer or the expiry. */
  event?: Pick<AnyEvent, 'eventId' | 'eventType' | 'source'>;
}

export function orderStatusUpdated(
  order: Order,
  change: StatusChange,
  cause: Cause,
): Omit<EventEnvelope<'order.status.updated'>, 'sequence'> {
  return draftEvent({
    eventType: 'order.status.updated',
    source: SERVICE_NAME,
    aggregateId: order.id,
    correlationId: cause.correlationId,
    causationId: cause.event?.eventId ?? null,
    data: {
      orderId: order.id,
      userId: order.userId,
      status: change.status,
      previousStatus: order.status,
      ...(change.reason && { reason: change.reason }),
      totalPrice: order.totalPrice,
      currency: order.currency,
      ...(order.contact && { contact: order.contact }),
    },
  });
}
