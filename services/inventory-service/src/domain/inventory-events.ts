import type { EventEnvelope } from '@ecommerce/shared';
import { draftEvent } from '@ecommerce/shared';
import { SERVICE_NAME } from '../config';
import type { StockedProduct } from './inventory';

export interface ReservationOutcome {
  status: 'SUCCESS' | 'FAILURE';
  reason?: string;
}

/** The event that caused the inventory's step. */
export interface Cause {
  correlationId: string;
  causationId: string;
}

/** The inventory's answer to an order.created, numbered by the reservation's store. */
export function inventoryStatusUpdated(
  orderId: string,
  outcome: ReservationOutcome,
  cause: Cause,
): Omit<EventEnvelope<'inventory.status.updated'>, 'sequence'> {
  return draftEvent({
    eventType: 'inventory.status.updated',
    source: SERVICE_NAME,
    aggregateId: orderId,
    correlationId: cause.correlationId,
    causationId: cause.causationId,
    data: { orderId, status: outcome.status, ...(outcome.reason && { reason: outcome.reason }) },
  });
}

/**
 * A product as the catalogue lists it (new, renamed, repriced, or announced again), numbered by
 * the product's store: the order service keeps the newest.
 */
export function productChanged(
  product: StockedProduct,
  correlationId: string,
): Omit<EventEnvelope<'product.changed'>, 'sequence'> {
  return draftEvent({
    eventType: 'product.changed',
    source: SERVICE_NAME,
    aggregateId: product.productId,
    correlationId,
    data: {
      productId: product.productId,
      name: product.name,
      price: product.price,
      currency: product.currency,
    },
  });
}
