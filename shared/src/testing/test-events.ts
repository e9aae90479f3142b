import type { Contact, OrderLine } from '../events/catalogue';
import type { EventEnvelope } from '../events/envelope';
import { createEvent } from '../events/envelope';

/**
 * Events as the services publish them, for tests that play another service's part. Each has
 * the correlation id `corr-<orderId>`, and a new event id every call.
 */
export function orderCreatedEvent(
  orderId: string,
  products: OrderLine[],
  options: { userId?: string; totalPrice?: number; contact?: Contact } = {},
): EventEnvelope<'order.created'> {
  return createEvent({
    eventType: 'order.created',
    source: 'order-service',
    aggregateId: orderId,
    sequence: 1,
    correlationId: `corr-${orderId}`,
    data: {
      orderId,
      userId: options.userId ?? 'user-1',
      products,
      totalPrice: options.totalPrice ?? 10,
      ...(options.contact && { contact: options.contact }),
    },
  });
}

export function inventoryStatusUpdatedEvent(
  orderId: string,
  status: 'SUCCESS' | 'FAILURE',
  reason?: string,
): EventEnvelope<'inventory.status.updated'> {
  return createEvent({
    eventType: 'inventory.status.updated',
    source: 'inventory-service',
    aggregateId: orderId,
    sequence: 1,
    correlationId: `corr-${orderId}`,
    data: { orderId, status, ...(reason && { reason }) },
  });
}

export function orderStatusUpdatedEvent(
  orderId: string,
  status: 'CONFIRMED' | 'CANCELLED',
  options: { userId?: string; totalPrice?: number; contact?: Contact; reason?: string } = {},
): EventEnvelope<'order.status.updated'> {
  return createEvent({
    eventType: 'order.status.updated',
    source: 'order-service',
    aggregateId: orderId,
    sequence: 2,
    correlationId: `corr-${orderId}`,
    data: {
      orderId,
      userId: options.userId ?? 'user-1',
      status,
      previousStatus: 'PENDING',
      ...(options.reason && { reason: options.reason }),
      totalPrice: options.totalPrice ?? 10,
      ...(options.contact && { contact: options.contact }),
    },
  });
}
