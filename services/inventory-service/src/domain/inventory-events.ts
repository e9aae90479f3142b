import type { EventEnvelope } from '@ecommerce/shared';
import { draftEvent } from '@ecommerce/shared';
import { SERVICE_NAME } from '../config';

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
