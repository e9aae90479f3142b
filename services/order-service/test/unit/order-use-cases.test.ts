import {
  InMemoryAggregates,
  inventoryStatusUpdatedEvent,
  productChangedEvent,
} from '@ecommerce/shared/testing';
import { applyInventoryResult } from '../../src/domain/apply-inventory-result';
import { applyProductChange } from '../../src/domain/apply-product-change';
import { cancelOrder } from '../../src/domain/cancel-order';
import { EXPIRY_BATCH_SIZE, expireOverdueOrders } from '../../src/domain/expire-overdue-orders';
import type { NewOrderRequest, Order } from '../../src/domain/order';
import {
  IdempotencyKeyReusedError,
  MixedCurrenciesError,
  OrderNotCancellableError,
  OrderNotFoundError,
  PriceChangedError,
  UnknownProductError,
} from '../../src/domain/order-errors';
import type {
  IdempotencyClaim,
  IdempotencyKeyRepositoryPort,
  OrderDependencies,
} from '../../src/domain/order-ports';
import { CANCELLED_BY_CUSTOMER } from '../../src/domain/order-rules';
import { placeOrder } from '../../src/domain/place-order';
import type { ProductPrice } from '../../src/domain/product-price';

// The use cases against in-memory ports: their decisions, without a database or a broker.

class InMemoryIdempotencyKeys implements IdempotencyKeyRepositoryPort {
  private readonly claims = new Map<string, IdempotencyClaim>();

  async claim(key: string, candidate: IdempotencyClaim): Promise<IdempotencyClaim> {
    const existing = this.claims.get(key);
    if (existing) return existing;
    this.claims.set(key, candidate);
    return candidate;
  }

  async find(key: string): Promise<IdempotencyClaim | null> {
    return this.claims.get(key) ?? null;
  }

  get size(): number {
    return this.claims.size;
  }
}

const PENDING_TIMEOUT_MS = 15 * 60_000;

function price(productId: string, amount: number, currency = 'EUR'): [string, ProductPrice] {
  const entry = { productId, name: productId, price: amount, currency, version: 1 };
  return [productId, { ...entry, createdAt: new Date(), updatedAt: new Date() }];
}

/** Laptops at 49.75 and a few cheap products whose sums go wrong in floating point. */
function inMemoryDependencies() {
  const orders = new InMemoryAggregates<Order>();
  const prices = new InMemoryAggregates<ProductPrice>([
    price('prod1', 49.75),
    price('dime', 0.1),
    price('two-dimes', 0.2),
    price('in-dollars', 5, 'USD'),
  ]);
  const idempotencyKeys = new InMemoryIdempotencyKeys();
  const statusesReached: Array<Pick<Order, 'id' | 'status'>> = [];
  const unused = () => Promise.reject(new Error('An entry point query, not used by use cases'));
  const dependencies: OrderDependencies = {
    // What the repositories do with their aggregate stores (order-repository.ts, price-repository.ts).
    orders: {
      insert: (order, events) => orders.create(order.id, order, events),
      findById: (id) => orders.read(id),
      update: (id, decide) => orders.update(id, decide),
      list: unused,
      // What the index answers: the orders whose expiresAt has passed.
      findOverdue: async (now, limit) =>
        [...orders.states.values()]
          .filter((order) => order.expiresAt !== undefined && order.expiresAt < now)
          .slice(0, limit)
          .map((order) => order.id),
    },
    prices: {
      findMany: async (ids) =>
        new Map(
          ids.flatMap((id): Array<[string, ProductPrice]> => {
            const entry = prices.states.get(id);
            return entry ? [[id, entry]] : [];
          }),
        ),
      findById: (id) => prices.read(id),
      create: (entry) => prices.create(entry.productId, entry),
      update: (id, decide) => prices.update(id, decide),
      list: unused,
      isEmpty: async () => prices.states.size === 0,
    },
    idempotencyKeys,
    lifecycle: { statusReached: ({ id, status }) => statusesReached.push({ id, status }) },
    policy: { pendingTimeoutMs: PENDING_TIMEOUT_MS },
  };
  return { dependencies, orders, prices, idempotencyKeys, statusesReached };
}

const request: NewOrderRequest = {
  userId: 'user-1',
  products: [{ productId: 'prod1', quantity: 2 }],
  totalPrice: 99.5,
};
const context = { correlationId: 'correlation-1' };

/** The first moment when the order is overdue: past its expiresAt. */
function overdue(order: Order): Date {
  if (!order.expiresAt) throw new Error(`Order ${order.id} has no expiresAt`);
  return new Date(order.expiresAt.getTime() + 1);
}

describe('placeOrder', () => {
  it('when an order is placed, then it is priced and stored PENDING with its order.created', async () => {
    const { dependencies, orders, statusesReached } = inMemoryDependencies();

    const { order, created } = await placeOrder(request, dependencies, context);

    expect(created).toBe(true);
    const priced = {
      products: [{ productId: 'prod1', quantity: 2, unitPrice: 49.75 }],
      totalPrice: 99.5,
      currency: 'EUR',
    };
    expect(orders.states.get(order.id)).toMatchObject({
      ...priced,
      status: 'PENDING',
      expiresAt: new Date(order.createdAt.getTime() + PENDING_TIMEOUT_MS),
    });
    expect(orders.events).toEqual([
      expect.objectContaining({
        eventType: 'order.created',
        aggregateId: order.id,
        correlationId: 'correlation-1',
        data: expect.objectContaining({ orderId: order.id, ...priced }),
      }),
    ]);
    expect(order.history).toEqual([
      {
        status: 'PENDING',
        at: order.createdAt,
        eventId: orders.events[0].eventId,
        eventType: 'order.created',
        source: 'order-service',
      },
    ]);
    expect(statusesReached).toEqual([{ id: order.id, status: 'PENDING' }]);
  });

  it('when no total is sent, then the order gets the computed one', async () => {
    const { dependencies } = inMemoryDependencies();
    const { order } = await placeOrder(
      { ...request, totalPrice: undefined },
      dependencies,
      context,
    );
    expect(order.totalPrice).toBe(99.5);
  });

  it('when prices such as 0.1 and 0.2 are added, then the total is exact', async () => {
    const { dependencies } = inMemoryDependencies();
    const products = [
      { productId: 'dime', quantity: 1 },
      { productId: 'two-dimes', quantity: 1 },
    ];
    const { order } = await placeOrder(
      { userId: 'u', products, totalPrice: 0.3 },
      dependencies,
      context,
    );
    expect(order.totalPrice).toBe(0.3);
    const { order: many } = await placeOrder(
      { userId: 'u', products: [{ productId: 'dime', quantity: 3 }] },
      dependencies,
      context,
    );
    expect(many.totalPrice).toBe(0.3); // 3 × 0.1 is 0.30000000000000004 in floating point
  });

  it('when the sent total is not the current one, then PRICE_CHANGED with the current total and nothing is stored', async () => {
    const { dependencies, orders, idempotencyKeys } = inMemoryDependencies();
    const refused = placeOrder({ ...request, totalPrice: 99.49 }, dependencies, {
      ...context,
      idempotency: { key: 'key-1', fingerprint: 'body-1' },
    });
    await expect(refused).rejects.toThrow(PriceChangedError);
    await expect(refused).rejects.toMatchObject({
      code: 'PRICE_CHANGED',
      details: { totalPrice: 99.5, currency: 'EUR' },
    });
    expect(orders.states.size).toBe(0);
    expect(idempotencyKeys.size).toBe(0);
  });

  it('when a product is not in the price list, then UNKNOWN_PRODUCT names it and nothing is stored', async () => {
    const { dependencies, orders } = inMemoryDependencies();
    const products = [
      { productId: 'prod1', quantity: 1 },
      { productId: 'ghost', quantity: 1 },
    ];
    const refused = placeOrder({ userId: 'u', products }, dependencies, context);
    await expect(refused).rejects.toThrow(UnknownProductError);
    await expect(refused).rejects.toThrow('Unknown product: ghost');
    expect(orders.states.size).toBe(0);
  });

  it('when the lines are priced in different currencies, then it is refused', async () => {
    const { dependencies, orders } = inMemoryDependencies();
    const products = [
      { productId: 'prod1', quantity: 1 },
      { productId: 'in-dollars', quantity: 1 },
    ];
    await expect(placeOrder({ userId: 'u', products }, dependencies, context)).rejects.toThrow(
      MixedCurrenciesError,
    );
    expect(orders.states.size).toBe(0);
  });

  it('when a request is repeated with its idempotency key, then it answers the first order, even after a price change', async () => {
    const { dependencies, orders, statusesReached } = inMemoryDependencies();
    const idempotency = { key: 'key-1', fingerprint: 'body-1' };

    const first = await placeOrder(request, dependencies, { ...context, idempotency });
    await applyProductChange(productChangedEvent('prod1', 60, { sequence: 2 }), dependencies);
    const repeat = await placeOrder(request, dependencies, { ...context, idempotency });

    expect(repeat).toEqual({ order: first.order, created: false });
    expect(orders.states.size).toBe(1);
    expect(orders.events).toHaveLength(1);
    expect(statusesReached).toHaveLength(1);
  });

  it('when an idempotency key comes with another body, then it is refused and nothing is stored', async () => {
    const { dependencies, orders } = inMemoryDependencies();
    await placeOrder(request, dependencies, {
      ...context,
      idempotency: { key: 'key-1', fingerprint: 'body-1' },
    });

    await expect(
      placeOrder({ ...request, totalPrice: 1 }, dependencies, {
        ...context,
        idempotency: { key: 'key-1', fingerprint: 'body-2' },
      }),
    ).rejects.toThrow(IdempotencyKeyReusedError);
    expect(orders.states.size).toBe(1);
  });
});

describe('applyProductChange', () => {
  it('when a newer price arrives, then new orders get it and placed ones keep theirs', async () => {
    const { dependencies } = inMemoryDependencies();
    const { order: before } = await placeOrder(request, dependencies, context);

    await applyProductChange(productChangedEvent('prod1', 60, { sequence: 2 }), dependencies);
    const { order: after } = await placeOrder(
      { ...request, totalPrice: 120 },
      dependencies,
      context,
    );

    expect(after.products[0].unitPrice).toBe(60);
    expect((await dependencies.orders.findById(before.id))?.totalPrice).toBe(99.5);
  });

  it('when an older or repeated announcement arrives, then the newer price stays', async () => {
    const { dependencies, prices } = inMemoryDependencies();
    await applyProductChange(productChangedEvent('prod1', 60, { sequence: 3 }), dependencies);
    await applyProductChange(productChangedEvent('prod1', 55, { sequence: 2 }), dependencies);
    await applyProductChange(productChangedEvent('prod1', 70, { sequence: 3 }), dependencies);
    expect(prices.states.get('prod1')).toMatchObject({ price: 60, version: 3 });
  });

  it('when a product is new, then the list gets it', async () => {
    const { dependencies, prices } = inMemoryDependencies();
    await applyProductChange(
      productChangedEvent('cable', 9.99, { name: 'Cable', currency: 'GBP' }),
      dependencies,
    );
    expect(prices.states.get('cable')).toMatchObject({
      productId: 'cable',
      name: 'Cable',
      price: 9.99,
      currency: 'GBP',
      version: 1,
    });
  });
});

describe('cancelOrder', () => {
  it('when a PENDING order is cancelled twice, then it is CANCELLED once, with one event', async () => {
    const { dependencies, orders, statusesReached } = inMemoryDependencies();
    const { order } = await placeOrder(request, dependencies, context);

    const cancelled = await cancelOrder(order.id, dependencies, 'correlation-2');
    const again = await cancelOrder(order.id, dependencies, 'correlation-3');

    expect(cancelled).toMatchObject({ status: 'CANCELLED', statusReason: CANCELLED_BY_CUSTOMER });
    expect(again).toEqual(cancelled);
    expect(orders.events.map((event) => event.eventType)).toEqual([
      'order.created',
      'order.status.updated',
    ]);
    const announcement = orders.events[1];
    expect(cancelled.history.map(({ status, eventId }) => ({ status, eventId }))).toEqual([
      { status: 'PENDING', eventId: orders.events[0].eventId },
      { status: 'CANCELLED', eventId: announcement.eventId },
    ]);
    expect(statusesReached.map(({ status }) => status)).toEqual(['PENDING', 'CANCELLED']);
  });

  it('when the order is unknown, then OrderNotFoundError', async () => {
    const { dependencies } = inMemoryDependencies();
    await expect(cancelOrder('no-such-order', dependencies, 'correlation-1')).rejects.toThrow(
      OrderNotFoundError,
    );
  });
});

describe('applyInventoryResult', () => {
  it('when the stock was reserved, then the order is CONFIRMED, with the answer in its history, and cannot be cancelled', async () => {
    const { dependencies, orders } = inMemoryDependencies();
    const { order } = await placeOrder(request, dependencies, context);
    const answer = inventoryStatusUpdatedEvent(order.id, 'SUCCESS');

    await applyInventoryResult(answer, dependencies);

    const confirmed = orders.states.get(order.id);
    expect(confirmed?.status).toBe('CONFIRMED');
    expect(confirmed?.history[1]).toEqual({
      status: 'CONFIRMED',
      at: confirmed?.updatedAt,
      eventId: answer.eventId,
      eventType: 'inventory.status.updated',
      source: 'inventory-service',
    });
    await expect(cancelOrder(order.id, dependencies, 'correlation-2')).rejects.toThrow(
      OrderNotCancellableError,
    );
  });

  it('when the answer comes after the customer cancelled, then the order stays CANCELLED', async () => {
    const { dependencies, orders, statusesReached } = inMemoryDependencies();
    const { order } = await placeOrder(request, dependencies, context);
    await cancelOrder(order.id, dependencies, 'correlation-2');

    await applyInventoryResult(inventoryStatusUpdatedEvent(order.id, 'SUCCESS'), dependencies);

    expect(orders.states.get(order.id)).toMatchObject({
      status: 'CANCELLED',
      statusReason: CANCELLED_BY_CUSTOMER,
    });
    expect(orders.events).toHaveLength(2);
    expect(statusesReached.map(({ status }) => status)).toEqual(['PENDING', 'CANCELLED']);
  });
});

describe('expireOverdueOrders', () => {
  it('when a PENDING order is overdue, then it is CANCELLED as expired, once, with its own event', async () => {
    const { dependencies, orders, statusesReached } = inMemoryDependencies();
    const { order } = await placeOrder(request, dependencies, context);

    expect(await expireOverdueOrders(overdue(order), dependencies)).toBe(1);
    expect(await expireOverdueOrders(new Date(overdue(order).getTime() + 1), dependencies)).toBe(0);

    const expired = orders.states.get(order.id);
    expect(expired).toMatchObject({
      status: 'CANCELLED',
      statusReason: 'Expired: not confirmed within 15 minutes',
    });
    const [announcement] = orders.events.filter(
      (event) => event.eventType === 'order.status.updated',
    );
    expect(orders.events).toHaveLength(2);
    expect(announcement).toMatchObject({
      causationId: null,
      data: expect.objectContaining({
        status: 'CANCELLED',
        previousStatus: 'PENDING',
        reason: 'Expired: not confirmed within 15 minutes',
      }),
    });
    expect(announcement.correlationId).not.toBe(context.correlationId);
    expect(expired?.history[1]).toEqual({
      status: 'CANCELLED',
      at: overdue(order),
      reason: 'Expired: not confirmed within 15 minutes',
      eventId: announcement.eventId,
      eventType: 'order.status.updated',
      source: 'order-service',
    });
    expect(statusesReached.map(({ status }) => status)).toEqual(['PENDING', 'CANCELLED']);
  });

  it('when an order has been PENDING for exactly its timeout, then it stays PENDING', async () => {
    const { dependencies, orders } = inMemoryDependencies();
    const { order } = await placeOrder(request, dependencies, context);
    const justBefore = new Date(overdue(order).getTime() - 1);
    expect(await expireOverdueOrders(justBefore, dependencies)).toBe(0);
    expect(orders.states.get(order.id)?.status).toBe('PENDING');
  });

  it('when the order was confirmed first, then the expiry changes nothing, and a late answer changes nothing after it', async () => {
    const { dependencies, orders } = inMemoryDependencies();
    const { order: confirmed } = await placeOrder(request, dependencies, context);
    await applyInventoryResult(inventoryStatusUpdatedEvent(confirmed.id, 'SUCCESS'), dependencies);
    const { order: expired } = await placeOrder(request, dependencies, context);

    expect(await expireOverdueOrders(overdue(expired), dependencies)).toBe(1);
    await applyInventoryResult(inventoryStatusUpdatedEvent(expired.id, 'SUCCESS'), dependencies);

    expect(orders.states.get(confirmed.id)?.status).toBe('CONFIRMED');
    expect(orders.states.get(expired.id)?.status).toBe('CANCELLED');
    // Final orders leave the expiry's index.
    expect(orders.states.get(confirmed.id)).not.toHaveProperty('expiresAt');
    expect(orders.states.get(expired.id)).not.toHaveProperty('expiresAt');
    expect(orders.states.get(expired.id)?.history).toHaveLength(2);
  });

  it('when more orders are overdue than one read fetches, then one round expires them all', async () => {
    const { dependencies, orders } = inMemoryDependencies();
    const count = EXPIRY_BATCH_SIZE * 2 + 1;
    for (let i = 0; i < count; i += 1) await placeOrder(request, dependencies, context);
    const last = [...orders.states.values()].at(-1) as Order;

    expect(await expireOverdueOrders(overdue(last), dependencies)).toBe(count);
    expect([...orders.states.values()].every((order) => order.status === 'CANCELLED')).toBe(true);
  });

  it('when another instance expired the orders read, then the round ends instead of reading them again', async () => {
    const { dependencies } = inMemoryDependencies();
    const { order } = await placeOrder(request, dependencies, context);
    // An index that still lists the order: the other instance's change is not visible to the read.
    const stale = Array.from({ length: EXPIRY_BATCH_SIZE }, () => order.id);
    const reads = jest.fn(async () => stale);
    await expireOverdueOrders(overdue(order), dependencies);

    const rounds = expireOverdueOrders(overdue(order), {
      ...dependencies,
      orders: { ...dependencies.orders, findOverdue: reads },
    });
    await expect(rounds).resolves.toBe(0);
    expect(reads).toHaveBeenCalledTimes(1);
  });
});
