import { InMemoryAggregates, inventoryStatusUpdatedEvent } from '@ecommerce/shared/testing';
import { applyInventoryResult } from '../../src/domain/apply-inventory-result';
import { cancelOrder } from '../../src/domain/cancel-order';
import type { NewOrderRequest, Order } from '../../src/domain/order';
import {
  IdempotencyKeyReusedError,
  OrderNotCancellableError,
  OrderNotFoundError,
} from '../../src/domain/order-errors';
import type {
  IdempotencyClaim,
  IdempotencyKeyRepositoryPort,
  OrderDependencies,
} from '../../src/domain/order-ports';
import { CANCELLED_BY_CUSTOMER } from '../../src/domain/order-rules';
import { placeOrder } from '../../src/domain/place-order';

// The use cases against in-memory ports: their decisions, without a database or a broker.

class InMemoryIdempotencyKeys implements IdempotencyKeyRepositoryPort {
  private readonly claims = new Map<string, IdempotencyClaim>();

  async claim(key: string, candidate: IdempotencyClaim): Promise<IdempotencyClaim> {
    const existing = this.claims.get(key);
    if (existing) return existing;
    this.claims.set(key, candidate);
    return candidate;
  }
}

function inMemoryDependencies() {
  const orders = new InMemoryAggregates<Order>();
  const statusesReached: Array<Pick<Order, 'id' | 'status'>> = [];
  const dependencies: OrderDependencies = {
    // What the order repository does with its aggregate store (order-repository.ts).
    orders: {
      insert: (order, event) => orders.create(order.id, order, [event]),
      findById: (id) => orders.read(id),
      update: (id, decide) => orders.update(id, decide),
      list: () =>
        Promise.reject(new Error('Listing is an entry point query, not used by the use cases')),
    },
    idempotencyKeys: new InMemoryIdempotencyKeys(),
    lifecycle: { statusReached: ({ id, status }) => statusesReached.push({ id, status }) },
  };
  return { dependencies, orders, statusesReached };
}

const request: NewOrderRequest = {
  userId: 'user-1',
  products: [{ productId: 'prod1', quantity: 2 }],
  totalPrice: 99.5,
};
const context = { correlationId: 'correlation-1' };

describe('placeOrder', () => {
  it('when an order is placed, then it is stored PENDING with its order.created', async () => {
    const { dependencies, orders, statusesReached } = inMemoryDependencies();

    const { order, created } = await placeOrder(request, dependencies, context);

    expect(created).toBe(true);
    expect(orders.states.get(order.id)).toMatchObject({ ...request, status: 'PENDING' });
    expect(orders.events).toEqual([
      expect.objectContaining({
        eventType: 'order.created',
        aggregateId: order.id,
        correlationId: 'correlation-1',
        data: expect.objectContaining({ orderId: order.id, products: request.products }),
      }),
    ]);
    expect(statusesReached).toEqual([{ id: order.id, status: 'PENDING' }]);
  });

  it('when a request is repeated with its idempotency key, then it answers the first order', async () => {
    const { dependencies, orders, statusesReached } = inMemoryDependencies();
    const idempotency = { key: 'key-1', fingerprint: 'body-1' };

    const first = await placeOrder(request, dependencies, { ...context, idempotency });
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
  it('when the stock was reserved, then the order is CONFIRMED and cannot be cancelled', async () => {
    const { dependencies, orders } = inMemoryDependencies();
    const { order } = await placeOrder(request, dependencies, context);

    await applyInventoryResult(inventoryStatusUpdatedEvent(order.id, 'SUCCESS'), dependencies);

    expect(orders.states.get(order.id)?.status).toBe('CONFIRMED');
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
