import { randomUUID } from 'node:crypto';
import type { NewOrderRequest, Order } from './order';
import { IdempotencyKeyReusedError } from './order-errors';
import { orderCreated } from './order-events';
import type { OrderDependencies } from './order-ports';

export interface IdempotentRequest {
  key: string;
  /** A fingerprint of the request body: the same key with another body is refused. */
  fingerprint: string;
}

export interface PlacedOrder {
  order: Order;
  /** False when an earlier request with the same idempotency key created the order. */
  created: boolean;
}

/**
 * Creates a PENDING order and, in the same write, its `order.created` event. With an
 * idempotency key, the key is claimed first and fixes the order's id, so repeated or concurrent
 * requests with that key all end on one order (also if a crash came between the two writes).
 */
export async function placeOrder(
  request: NewOrderRequest,
  { orders, idempotencyKeys, lifecycle }: OrderDependencies,
  context: { correlationId: string; idempotency?: IdempotentRequest },
): Promise<PlacedOrder> {
  let orderId: string = randomUUID();
  if (context.idempotency) {
    const { key, fingerprint } = context.idempotency;
    const claim = await idempotencyKeys.claim(key, { orderId, requestFingerprint: fingerprint });
    if (claim.requestFingerprint !== fingerprint) {
      throw new IdempotencyKeyReusedError();
    }
    orderId = claim.orderId;
  }

  const now = new Date();
  const order: Order = {
    id: orderId,
    userId: request.userId,
    products: request.products,
    totalPrice: request.totalPrice,
    ...(request.contact && { contact: request.contact }),
    status: 'PENDING',
    createdAt: now,
    updatedAt: now,
  };
  if (await orders.insert(order, orderCreated(order, context.correlationId))) {
    lifecycle.statusReached(order);
    return { order, created: true };
  }
  const existing = await orders.findById(orderId);
  if (!existing) throw new Error(`Order ${orderId} exists but could not be read`);
  return { order: existing, created: false };
}
