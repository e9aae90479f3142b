import type { EventEnvelope } from '@ecommerce/shared';
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
      ...(order.contact && { contact: order.contact }),
    },
  });
}

export interface Cause {
  correlationId: string;
  /** The event that caused the change; none for a customer's request. */
  causationId?: string;
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
    causationId: cause.causationId ?? null,
    data: {
      orderId: order.id,
      userId: order.userId,
      status: change.status,
      previousStatus: order.status,
      ...(change.reason && { reason: change.reason }),
      totalPrice: order.totalPrice,
      ...(order.contact && { contact: order.contact }),
    },
  });
}
