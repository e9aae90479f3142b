import type { EventEnvelope } from '@ecommerce/shared';
import { createEvent } from '@ecommerce/shared';
import { SERVICE_NAME } from '../config';

export interface ReservationOutcome {
  status: 'SUCCESS' | 'FAILURE';
  reason?: string;
}

/** The inventory's answer to an order.created, caused by it and carrying its correlation id. */
export function inventoryStatusUpdated(
  orderId: string,
  outcome: ReservationOutcome,
  cause: { sequence: number; correlationId: string; causationId: string },
): EventEnvelope<'inventory.status.updated'> {
  return createEvent({
    eventType: 'inventory.status.updated',
    source: SERVICE_NAME,
    aggregateId: orderId,
    sequence: cause.sequence,
    correlationId: cause.correlationId,
    causationId: cause.causationId,
    data: { orderId, status: outcome.status, ...(outcome.reason && { reason: outcome.reason }) },
  });
}
