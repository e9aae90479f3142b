import type { EventEnvelope } from '@ecommerce/shared';
import { createEvent } from '@ecommerce/shared';
import { SERVICE_NAME } from '../config';
import type { Order } from './order';
import type { StatusChange } from './order-rules';

/** The order service's events about one order, numbered by `sequence` (1 for order.created). */
export function orderCreated(order: Order, correlationId: string): EventEnvelope<'order.created'> {
  return createEvent({
    eventType: 'order.created',
    source: SERVICE_NAME,
    aggregateId: order.id,
    sequence: 1,
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

export function orderStatusUpdated(
  order: Order,
  change: StatusChange,
  cause: { sequence: number; correlationId: string; causationId?: string },
): EventEnvelope<'order.status.updated'> {
  return createEvent({
    eventType: 'order.status.updated',
    source: SERVICE_NAME,
    aggregateId: order.id,
    sequence: cause.sequence,
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
