import type { Contact, OrderLine } from '../events/catalogue';
import { fromMinorUnits, toMinorUnits } from '../money/money';
import type { EventEnvelope } from '../events/envelope';
import { createEvent } from '../events/envelope';

/**
 * Events as the services publish them, for tests that play another service's part. Each has
 * the correlation id `corr-<orderId>`, and a new event id every call.
 */
export function orderCreatedEvent(
  orderId: string,
  lines: Array<OrderLine & { unitPrice?: number }>,
  options: { userId?: string; totalPrice?: number; currency?: string; contact?: Contact } = {},
): EventEnvelope<'order.created'> {
  const products = lines.map((line) => ({ ...line, unitPrice: line.unitPrice ?? 10 }));
  const total = products.reduce(
    (sum, line) => sum + line.quantity * toMinorUnits(line.unitPrice),
    0,
  );
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
      totalPrice: options.totalPrice ?? fromMinorUnits(total),
      currency: options.currency ?? 'EUR',
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
  options: {
    userId?: string;
    totalPrice?: number;
    currency?: string;
    contact?: Contact;
    reason?: string;
  } = {},
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
      currency: options.currency ?? 'EUR',
      ...(options.contact && { contact: options.contact }),
    },
  });
}

/** The inventory's announcement of a product; `sequence` orders announcements of one product. */
export function productChangedEvent(
  productId: string,
  price: number,
  options: { name?: string; currency?: string; sequence?: number } = {},
): EventEnvelope<'product.changed'> {
  return createEvent({
    eventType: 'product.changed',
    source: 'inventory-service',
    aggregateId: productId,
    sequence: options.sequence ?? 1,
    correlationId: `corr-${productId}`,
    data: {
      productId,
      name: options.name ?? productId,
      price,
      currency: options.currency ?? 'EUR',
    },
  });
}

/** An order service asking for the whole catalogue (correlation id `corr-catalogue`). */
export function catalogueRequestedEvent(
  requestId = 'request-1',
): EventEnvelope<'catalogue.requested'> {
  return createEvent({
    eventType: 'catalogue.requested',
    source: 'order-service',
    aggregateId: requestId,
    sequence: 1,
    correlationId: 'corr-catalogue',
    data: { requestId },
  });
}
