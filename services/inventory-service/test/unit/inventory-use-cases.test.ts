import {
  catalogueRequestedEvent,
  InMemoryAggregates,
  orderCreatedEvent,
  orderStatusUpdatedEvent,
} from '@ecommerce/shared/testing';
import type { Reservation, StockedProduct } from '../../src/domain/inventory';
import type { InventoryDependencies } from '../../src/domain/inventory-ports';
import { reserveStock } from '../../src/domain/reserve-stock';
import { announceCatalogue } from '../../src/domain/announce-catalogue';
import { newProduct } from '../../src/domain/catalogue-rules';
import { PriceRequiredError, ProductNotFoundError } from '../../src/domain/inventory-errors';
import { reviseProduct, saveProduct } from '../../src/domain/save-product';
import { settleReservation } from '../../src/domain/settle-reservation';

// The use cases against in-memory ports: what an order does to the stock, without a database.

/** Laptops (10 available) and mice (1 available). */
function inMemoryInventory() {
  const stocked = [
    newProduct('laptop', { quantity: 10, name: 'Laptop', price: 999.99 }, 'EUR'),
    newProduct('mouse', { quantity: 1, name: 'Mouse', price: 24.99 }, 'EUR'),
  ];
  const products = new InMemoryAggregates<StockedProduct>(
    stocked.map((product) => [product.productId, product]),
  );
  const reservations = new InMemoryAggregates<Reservation>();
  // What the repositories do with their aggregate stores (product-repository.ts and
  // reservation-repository.ts).
  const dependencies: InventoryDependencies = {
    products: {
      list: () => Promise.reject(new Error('An entry point query, not used by use cases')),
      totals: () => Promise.reject(new Error('An entry point query, not used by use cases')),
      idsInPages: async function* () {
        yield [...products.states.keys()].sort();
      },
      findById: (productId) => products.read(productId),
      create: (product, events) => products.create(product.productId, product, events),
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
  return { dependencies, products, reservations, stock, answers };
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

const catalogue = { defaultCurrency: 'EUR', correlationId: 'corr-admin' };

describe('saveProduct', () => {
  it('when the product is new, then it is created and announced; when it exists, then only its stock changes', async () => {
    const { dependencies, products, stock } = inMemoryInventory();

    const created = await saveProduct(
      'tablet',
      { quantity: 4, name: 'Tablet', price: 299 },
      dependencies,
      catalogue,
    );
    await reserveStock(
      orderCreatedEvent('order-1', [{ productId: 'tablet', quantity: 1 }]),
      dependencies,
    );
    const updated = await saveProduct('tablet', { quantity: 7 }, dependencies, catalogue);

    expect(created).toMatchObject({
      created: true,
      product: { name: 'Tablet', available: 4, price: 299, currency: 'EUR' },
    });
    expect(updated).toMatchObject({ created: false, product: { name: 'Tablet', available: 7 } });
    expect(stock('tablet')).toEqual({ available: 7, reserved: 1, holds: 1 });
    // The stock change is not announced: the price list has nothing new to learn.
    expect(products.events.map(({ eventType, data }) => ({ eventType, data }))).toEqual([
      {
        eventType: 'product.changed',
        data: { productId: 'tablet', name: 'Tablet', price: 299, currency: 'EUR' },
      },
    ]);
  });

  it('when a new product has no price, then PRICE_REQUIRED and nothing is stored', async () => {
    const { dependencies, products } = inMemoryInventory();
    await expect(saveProduct('tablet', { quantity: 4 }, dependencies, catalogue)).rejects.toThrow(
      PriceRequiredError,
    );
    expect(products.states.has('tablet')).toBe(false);
  });

  it('when only the price changes, then the product is announced with it', async () => {
    const { dependencies, products } = inMemoryInventory();
    const revised = await reviseProduct('laptop', { price: 899 }, dependencies, 'corr-2');
    expect(revised).toMatchObject({ price: 899, available: 10, name: 'Laptop' });
    expect(products.events).toEqual([
      expect.objectContaining({
        eventType: 'product.changed',
        correlationId: 'corr-2',
        data: { productId: 'laptop', name: 'Laptop', price: 899, currency: 'EUR' },
      }),
    ]);
  });

  it('when a revision names an unknown product, then PRODUCT_NOT_FOUND', async () => {
    const { dependencies } = inMemoryInventory();
    await expect(reviseProduct('ghost', { price: 1 }, dependencies, 'c')).rejects.toThrow(
      ProductNotFoundError,
    );
  });
});

describe('announceCatalogue', () => {
  it('when the catalogue is requested, then every product is announced as it is, stock unchanged', async () => {
    const { dependencies, products, stock } = inMemoryInventory();
    const request = catalogueRequestedEvent();

    await announceCatalogue(request, dependencies);

    expect(products.events.map(({ correlationId, data }) => ({ correlationId, data }))).toEqual([
      {
        correlationId: 'corr-catalogue',
        data: { productId: 'laptop', name: 'Laptop', price: 999.99, currency: 'EUR' },
      },
      {
        correlationId: 'corr-catalogue',
        data: { productId: 'mouse', name: 'Mouse', price: 24.99, currency: 'EUR' },
      },
    ]);
    expect(stock('laptop')).toEqual({ available: 10, reserved: 0, holds: 0 });
  });
});
