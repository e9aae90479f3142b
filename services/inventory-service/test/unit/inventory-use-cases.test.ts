import {
  InMemoryAggregates,
  orderCreatedEvent,
  orderStatusUpdatedEvent,
} from '@ecommerce/shared/testing';
import type { Reservation, StockedProduct } from '../../src/domain/inventory';
import type { InventoryDependencies } from '../../src/domain/inventory-ports';
import { reserveStock } from '../../src/domain/reserve-stock';
import { setProductStock } from '../../src/domain/set-stock';
import { settleReservation } from '../../src/domain/settle-reservation';
import { newProduct } from '../../src/domain/stock-rules';

// The use cases against in-memory ports: what an order does to the stock, without a database.

/** Laptops (10 available) and mice (1 available). */
function inMemoryInventory() {
  const stocked = [newProduct('laptop', 10, 'Laptop'), newProduct('mouse', 1, 'Mouse')];
  const products = new InMemoryAggregates<StockedProduct>(
    stocked.map((product) => [product.productId, product]),
  );
  const reservations = new InMemoryAggregates<Reservation>();
  // What the repositories do with their aggregate stores (product-repository.ts and
  // reservation-repository.ts).
  const dependencies: InventoryDependencies = {
    products: {
      list: async () => [...products.states.values()],
      findById: (productId) => products.read(productId),
      create: (product) => products.create(product.productId, product),
      update: (productId, decide) => products.update(productId, decide),
    },
    reservations: {
      findByOrderId: (orderId) => reservations.read(orderId),
      create: (reservation, events) =>
        reservations.create(reservation.orderId, reservation, events),
      update: (orderId, decide) => reservations.update(orderId, decide),
    },
  };
  const stock = (productId: string) => {
    const { available, reserved, holds } = products.states.get(productId) ?? {};
    return { available, reserved, holds: holds?.length };
  };
  const answers = () =>
    reservations.events.map((event) => ({ eventType: event.eventType, data: event.data }));
  return { dependencies, reservations, stock, answers };
}

const twoLaptopsAndAMouse = [
  { productId: 'laptop', quantity: 2 },
  { productId: 'mouse', quantity: 1 },
];

describe('reserveStock', () => {
  it('when every line is in stock, then all are held and the answer is SUCCESS', async () => {
    const { dependencies, reservations, stock, answers } = inMemoryInventory();

    await reserveStock(orderCreatedEvent('order-1', twoLaptopsAndAMouse), dependencies);

    expect(stock('laptop')).toEqual({ available: 8, reserved: 2, holds: 1 });
    expect(stock('mouse')).toEqual({ available: 0, reserved: 1, holds: 1 });
    expect(reservations.states.get('order-1')?.status).toBe('RESERVED');
    expect(answers()).toEqual([
      { eventType: 'inventory.status.updated', data: { orderId: 'order-1', status: 'SUCCESS' } },
    ]);
  });

  it('when one line is short, then nothing is held and the answer names the shortfall', async () => {
    const { dependencies, reservations, stock, answers } = inMemoryInventory();
    const lines = [
      { productId: 'laptop', quantity: 2 },
      { productId: 'mouse', quantity: 3 },
    ];

    await reserveStock(orderCreatedEvent('order-1', lines), dependencies);

    expect(stock('laptop')).toEqual({ available: 10, reserved: 0, holds: 0 });
    expect(stock('mouse')).toEqual({ available: 1, reserved: 0, holds: 0 });
    expect(reservations.states.get('order-1')?.status).toBe('REJECTED');
    expect(answers()).toEqual([
      {
        eventType: 'inventory.status.updated',
        data: {
          orderId: 'order-1',
          status: 'FAILURE',
          reason: 'Insufficient inventory for product mouse: requested 3, available 1',
        },
      },
    ]);
  });

  it('when a product is unknown, then nothing is held and the answer says so', async () => {
    const { dependencies, stock, answers } = inMemoryInventory();
    const lines = [
      { productId: 'laptop', quantity: 1 },
      { productId: 'tablet', quantity: 1 },
    ];

    await reserveStock(orderCreatedEvent('order-1', lines), dependencies);

    expect(stock('laptop')).toEqual({ available: 10, reserved: 0, holds: 0 });
    expect(answers()).toEqual([
      expect.objectContaining({
        data: expect.objectContaining({ reason: 'Unknown product tablet' }),
      }),
    ]);
  });

  it('when the order.created is redelivered, then the stock is held once and answered once', async () => {
    const { dependencies, stock, answers } = inMemoryInventory();
    const event = orderCreatedEvent('order-1', twoLaptopsAndAMouse);

    await reserveStock(event, dependencies);
    await reserveStock(event, dependencies);

    expect(stock('laptop')).toEqual({ available: 8, reserved: 2, holds: 1 });
    expect(answers()).toHaveLength(1);
  });

  it('when the cancellation came first, then the late order.created holds nothing', async () => {
    const { dependencies, reservations, stock, answers } = inMemoryInventory();

    await settleReservation(orderStatusUpdatedEvent('order-1', 'CANCELLED'), dependencies);
    await reserveStock(orderCreatedEvent('order-1', twoLaptopsAndAMouse), dependencies);

    expect(reservations.states.get('order-1')?.status).toBe('VOIDED');
    expect(stock('laptop')).toEqual({ available: 10, reserved: 0, holds: 0 });
    expect(stock('mouse')).toEqual({ available: 1, reserved: 0, holds: 0 });
    expect(answers()).toEqual([]);
  });
});

describe('settleReservation', () => {
  it('when the order is CONFIRMED, then its held units leave the stock for good', async () => {
    const { dependencies, reservations, stock } = inMemoryInventory();
    await reserveStock(orderCreatedEvent('order-1', twoLaptopsAndAMouse), dependencies);

    await settleReservation(orderStatusUpdatedEvent('order-1', 'CONFIRMED'), dependencies);

    expect(reservations.states.get('order-1')?.status).toBe('COMMITTED');
    expect(stock('laptop')).toEqual({ available: 8, reserved: 0, holds: 0 });
  });

  it('when the order is CANCELLED, then its held units are available again', async () => {
    const { dependencies, reservations, stock } = inMemoryInventory();
    await reserveStock(orderCreatedEvent('order-1', twoLaptopsAndAMouse), dependencies);

    await settleReservation(orderStatusUpdatedEvent('order-1', 'CANCELLED'), dependencies);

    expect(reservations.states.get('order-1')?.status).toBe('RELEASED');
    expect(stock('laptop')).toEqual({ available: 10, reserved: 0, holds: 0 });
    expect(stock('mouse')).toEqual({ available: 1, reserved: 0, holds: 0 });
  });
});

describe('setProductStock', () => {
  it('when the product is new, then it is created; when it exists, then only its stock changes', async () => {
    const { dependencies, stock } = inMemoryInventory();

    const created = await setProductStock('tablet', 4, 'Tablet', dependencies);
    await reserveStock(
      orderCreatedEvent('order-1', [{ productId: 'tablet', quantity: 1 }]),
      dependencies,
    );
    const updated = await setProductStock('tablet', 7, undefined, dependencies);

    expect(created).toMatchObject({ created: true, product: { name: 'Tablet', available: 4 } });
    expect(updated).toMatchObject({ created: false, product: { name: 'Tablet', available: 7 } });
    expect(stock('tablet')).toEqual({ available: 7, reserved: 1, holds: 1 });
  });
});
