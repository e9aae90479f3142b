import { randomUUID } from 'node:crypto';
import { createEvent } from '@ecommerce/shared';
import type { EventProbe } from '@ecommerce/shared/testing';

/**
 * Publishes an inventory answer about an order that does not exist: the order service can never
 * handle it and dead-letters it at once. Returns its event id.
 */
export async function publishOrderServicePoison(probe: EventProbe, label: string): Promise<string> {
  const orderId = randomUUID();
  const event = createEvent({
    eventType: 'inventory.status.updated',
    source: 'inventory-service',
    aggregateId: orderId,
    sequence: 1,
    correlationId: `${label}-${orderId}`,
    data: { orderId, status: 'SUCCESS' },
  });
  await probe.publish(event);
  return event.eventId;
}
