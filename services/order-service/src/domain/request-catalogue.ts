import { randomUUID } from 'node:crypto';
import { draftEvent } from '@ecommerce/shared';
import { SERVICE_NAME } from '../config';
import type { CatalogueRequestPort, OrderDependencies } from './order-ports';

/**
 * An order service that starts with an empty price list (a new database) asks the inventory to
 * announce its whole catalogue. The request is stored with its `catalogue.requested` in one
 * write, so it reaches the inventory once the broker takes it, even if this process stops first;
 * the answers are ordinary `product.changed` events, which apply only when newer.
 */
export async function requestCatalogueIfEmpty(
  { prices }: Pick<OrderDependencies, 'prices'>,
  requests: CatalogueRequestPort,
): Promise<string | null> {
  if (!(await prices.isEmpty())) return null;
  const requestId = randomUUID();
  await requests.create(
    requestId,
    draftEvent({
      eventType: 'catalogue.requested',
      source: SERVICE_NAME,
      aggregateId: requestId,
      correlationId: requestId,
      data: { requestId },
    }),
  );
  return requestId;
}
