import { randomUUID } from 'node:crypto';
import { DomainError } from '@ecommerce/shared';
import type { NewOrderRequest, Order } from './order';
import { IdempotencyKeyReusedError } from './order-errors';
import { orderCreated } from './order-events';
import type { OrderDependencies } from './order-ports';
import { historyEntry } from './order-rules';
import type { PricedOrder } from './pricing-rules';
import { checkExpectedTotal, priceOrder } from './pricing-rules';

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
 * Prices the order from the price list as it is now, and creates it PENDING with, in the same
 * write, its `order.created`. A price change that reaches the list after
 * this read applies to later orders; an order keeps the prices it was placed with.
 *
 * With an idempotency key, the key is claimed before the order is written and fixes its id, so
 * repeated or concurrent requests with that key all end on one order (also if a crash came
 * between the two writes); a repeat the prices now refuse looks the key up and answers the order
 * it placed. A refused order stores nothing, key included.
 */
export async function placeOrder(
  request: NewOrderRequest,
  dependencies: OrderDependencies,
  context: { correlationId: string; idempotency?: IdempotentRequest },
): Promise<PlacedOrder> {
  const { orders, idempotencyKeys, prices, lifecycle, policy } = dependencies;
  let priced: PricedOrder;
  try {
    priced = priceOrder(
      request.products,
      await prices.findMany(request.products.map((line) => line.productId)),
    );
    checkExpectedTotal(request.totalPrice, priced);
  } catch (refusal) {
    // A repeat answers the order its key placed, whatever the prices are now.
    if (!(refusal instanceof DomainError) || !context.idempotency) throw refusal;
    const earlier = await orderOfEarlierRequest(context.idempotency, dependencies);
    if (earlier) return { order: earlier, created: false };
    throw refusal;
  }

  let orderId: string = randomUUID();
  if (context.idempotency) {
    const { key, fingerprint } = context.idempotency;
    const claim = await idempotencyKeys.claim(key, { orderId, requestFingerprint: fingerprint });
    if (claim.requestFingerprint !== fingerprint) throw new IdempotencyKeyReusedError();
    orderId = claim.orderId;
  }

  const now = new Date();
  const order: Order = {
    id: orderId,
    userId: request.userId,
    ...priced,
    ...(request.contact && { contact: request.contact }),
    status: 'PENDING',
    expiresAt: new Date(now.getTime() + policy.pendingTimeoutMs),
    createdAt: now,
    updatedAt: now,
    history: [],
  };
  const created = orderCreated(order, context.correlationId);
  order.history.push(historyEntry(order, now, created));
  if (await orders.insert(order, [created])) {
    lifecycle.statusReached(order);
    return { order, created: true };
  }
  const existing = await orders.findById(orderId);
  if (!existing) throw new Error(`Order ${orderId} exists but could not be read`);
  return { order: existing, created: false };
}

/**
 * The order an earlier request with this key placed (null: none yet, or its order is not stored
 * yet); the key with another body is refused.
 */
async function orderOfEarlierRequest(
  { key, fingerprint }: IdempotentRequest,
  { idempotencyKeys, orders }: OrderDependencies,
): Promise<Order | null> {
  const claim = await idempotencyKeys.find(key);
  if (!claim) return null;
  if (claim.requestFingerprint !== fingerprint) throw new IdempotencyKeyReusedError();
  return orders.findById(claim.orderId);
}
