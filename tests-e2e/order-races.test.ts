import { eventually } from '@ecommerce/shared/testing';
import { call } from './support/http';
import { System } from './support/system';

/**
 * The contract's "Behaviour that must hold" 1-4 under concurrency, through HTTP only: many
 * requests fired at once against the three services as processes, then the end state checked
 * for what must be true whatever the interleaving was.
 */
let system: System;

beforeAll(async () => {
  system = await System.start('e2e-races');
});

afterAll(async () => {
  await system?.stop();
});

/** Bulk outcomes can take a while under load: wait longer than one order would need. */
const SETTLE = { timeoutMs: 30_000, intervalMs: 100 };

interface Line {
  productId: string;
  quantity: number;
}
interface Order {
  id: string;
  userId: string;
  products: Line[];
  status: 'PENDING' | 'CONFIRMED' | 'CANCELLED';
  statusReason?: string;
}

let userCount = 0;
/** A customer of this test alone, so that listing their orders shows only this test's. */
function customer(): string {
  userCount += 1;
  return `race-user-${userCount}`;
}

function place(userId: string, products: Line[], headers?: Record<string, string>) {
  return call<Order>('POST', system.orders(), {
    headers,
    body: { userId, products },
  });
}

/** Every order once none is PENDING any more, in the order of `orderIds`. */
async function finalOrders(orderIds: string[]): Promise<Order[]> {
  return eventually(async () => {
    const orders = await Promise.all(
      orderIds.map(async (id) => (await call<Order>('GET', system.orders(`/${id}`))).body),
    );
    expect(orders.filter((o) => o.status === 'PENDING').map((o) => o.id)).toEqual([]);
    return orders;
  }, SETTLE);
}

/** The product once its stock has settled to `expected`. */
async function stockSettlesAt(productId: string, expected: { available: number; reserved: 0 }) {
  return eventually(async () => {
    const { body } = await call('GET', system.inventory(`/${productId}`));
    expect(body).toMatchObject(expected);
    return body;
  }, SETTLE);
}

async function notificationsFor(orderId: string) {
  const { body } = await call('GET', system.notifications(`?orderId=${orderId}`), { admin: true });
  return body.items as { template: string; status: string; orderId: string }[];
}

/**
 * Places a fresh order and waits until the whole chain (order, inventory, order, notification)
 * has run for it. Events published before it have then had the same path to travel: a check
 * made after this barrier is not a check made too early.
 */
async function barrier(): Promise<void> {
  const placed = await place(customer(), [
    { productId: await system.createProduct(1), quantity: 1 },
  ]);
  const [final] = await finalOrders([placed.body.id]);
  expect(final.status).toBe('CONFIRMED');
  await eventually(async () => expect(await notificationsFor(placed.body.id)).toHaveLength(1));
}

const count = (orders: Order[], status: Order['status']) =>
  orders.filter((o) => o.status === status).length;

describe('when 20 customers order the last 5 units at once', () => {
  it('then exactly 5 are CONFIRMED, 15 CANCELLED for lack of stock, and stock ends at 0', async () => {
    const productId = await system.createProduct(5);
    const userId = customer();

    const placed = await Promise.all(
      Array.from({ length: 20 }, () => place(userId, [{ productId, quantity: 1 }])),
    );
    expect(placed.map((response) => response.status)).toEqual(Array(20).fill(201));
    expect(new Set(placed.map((response) => response.body.id)).size).toBe(20);

    const orders = await finalOrders(placed.map((response) => response.body.id));
    expect(count(orders, 'CONFIRMED')).toBe(5);
    expect(count(orders, 'CANCELLED')).toBe(15);
    for (const cancelled of orders.filter((o) => o.status === 'CANCELLED')) {
      expect(cancelled.statusReason).toBe(
        `Insufficient inventory for product ${productId}: requested 1, available 0`,
      );
    }
    await stockSettlesAt(productId, { available: 0, reserved: 0 });
  });
});

describe('when multi-product orders compete for the same stock at once', () => {
  it('then each product keeps initial = available + units of CONFIRMED orders, and no CANCELLED order holds any', async () => {
    const initial = 3;
    const a = await system.createProduct(initial);
    const b = await system.createProduct(initial);
    const userId = customer();
    const requests: Line[][] = [
      ...Array.from({ length: 6 }, () => [
        { productId: a, quantity: 1 },
        { productId: b, quantity: 1 },
      ]),
      [{ productId: b, quantity: 2 }],
      [{ productId: b, quantity: 2 }],
    ];

    const placed = await Promise.all(requests.map((products) => place(userId, products)));
    expect(placed.map((response) => response.status)).toEqual(Array(requests.length).fill(201));

    const orders = await finalOrders(placed.map((response) => response.body.id));
    const confirmed = orders.filter((o) => o.status === 'CONFIRMED');
    const cancelled = orders.filter((o) => o.status === 'CANCELLED');
    // Any one of these orders fits the stock alone, and together they ask for more than there is.
    expect(confirmed.length).toBeGreaterThan(0);
    expect(cancelled.length).toBeGreaterThan(0);
    for (const order of cancelled) {
      expect(order.statusReason).toMatch(
        new RegExp(
          `^Insufficient inventory for product (${a}|${b}): requested \\d+, available \\d+$`,
        ),
      );
    }

    const confirmedUnits = (productId: string) =>
      confirmed
        .flatMap((o) => o.products)
        .filter((line) => line.productId === productId)
        .reduce((sum, line) => sum + line.quantity, 0);
    for (const productId of [a, b]) {
      expect(confirmedUnits(productId)).toBeLessThanOrEqual(initial);
      // Every unit is either still available or went to a CONFIRMED order: none is held by a
      // CANCELLED one, none is reserved any more, none was sold twice.
      await stockSettlesAt(productId, {
        available: initial - confirmedUnits(productId),
        reserved: 0,
      });
    }
  });
});

describe('when customers cancel orders while their reservation is in flight', () => {
  it('then each DELETE is 200 or 409, cancelled orders stay CANCELLED and only confirmed ones take stock', async () => {
    const initial = 20;
    const productId = await system.createProduct(initial);
    const userId = customer();

    const attempts = await Promise.all(
      Array.from({ length: 10 }, async () => {
        const placed = await place(userId, [{ productId, quantity: 1 }]);
        expect(placed.status).toBe(201);
        const cancel = await call<Order>('DELETE', system.orders(`/${placed.body.id}`));
        return { id: placed.body.id, cancel };
      }),
    );
    for (const { cancel } of attempts) {
      if (cancel.status === 200) {
        expect(cancel.body).toMatchObject({
          status: 'CANCELLED',
          statusReason: 'Cancelled by customer',
        });
      } else {
        expect(cancel.status).toBe(409);
        expect(cancel.body).toMatchObject({ error: { code: 'ORDER_NOT_CANCELLABLE' } });
      }
    }

    const orders = await finalOrders(attempts.map((attempt) => attempt.id));
    const cancelledByCustomer = attempts
      .filter((attempt) => attempt.cancel.status === 200)
      .map((attempt) => attempt.id);
    const refused = attempts
      .filter((attempt) => attempt.cancel.status === 409)
      .map((attempt) => attempt.id);
    const confirmedIds = orders.filter((o) => o.status === 'CONFIRMED').map((o) => o.id);
    // A 409 means it was CONFIRMED, a 200 that it is CANCELLED: nothing else ends CONFIRMED.
    expect(confirmedIds.sort()).toEqual(refused.sort());
    await stockSettlesAt(productId, { available: initial - confirmedIds.length, reserved: 0 });

    // The inventory may still answer SUCCESS for an order cancelled in flight: once every event
    // has had time to arrive, the cancelled orders are still CANCELLED and were announced so.
    await barrier();
    const after = await finalOrders(cancelledByCustomer);
    expect(after.map((o) => o.status)).toEqual(cancelledByCustomer.map(() => 'CANCELLED'));
    for (const id of cancelledByCustomer) {
      const sent = await eventually(async () => {
        const items = await notificationsFor(id);
        expect(items).toHaveLength(1);
        return items;
      });
      expect(sent[0]).toMatchObject({ template: 'order_cancelled' });
    }
    expect((await call('GET', system.inventory(`/${productId}`))).body).toMatchObject({
      available: initial - confirmedIds.length,
      reserved: 0,
    });
  });

  it('then with the inventory down, 3 of 5 orders cancelled stay CANCELLED and the other 2 are CONFIRMED once it is back', async () => {
    const initial = 5;
    const productId = await system.createProduct(initial);
    const userId = customer();
    const inventoryService = system.services['inventory-service'];

    expect(await inventoryService.stop()).toBe(0);
    let ids: string[];
    try {
      const placed = await Promise.all(
        Array.from({ length: 5 }, () => place(userId, [{ productId, quantity: 1 }])),
      );
      expect(placed.map((response) => response.status)).toEqual(Array(5).fill(201));
      ids = placed.map((response) => response.body.id);
      const cancels = await Promise.all(
        ids.slice(0, 3).map((id) => call<Order>('DELETE', system.orders(`/${id}`))),
      );
      expect(cancels.map((response) => [response.status, response.body.status])).toEqual(
        Array(3).fill([200, 'CANCELLED']),
      );
    } finally {
      await inventoryService.start();
    }

    const orders = await finalOrders(ids);
    expect(orders.map((o) => o.status)).toEqual([
      'CANCELLED',
      'CANCELLED',
      'CANCELLED',
      'CONFIRMED',
      'CONFIRMED',
    ]);
    await stockSettlesAt(productId, { available: initial - 2, reserved: 0 });
    await barrier();
    expect((await finalOrders(ids.slice(0, 3))).map((o) => o.status)).toEqual(
      Array(3).fill('CANCELLED'),
    );
  });
});

describe('when the same request is sent twice (ten times, at once)', () => {
  it('then one order is created: one 201, nine 200 with its id, and one notification', async () => {
    const productId = await system.createProduct(10);
    const userId = customer();
    const key = `race-key-${Date.now()}`;

    const responses = await Promise.all(
      Array.from({ length: 10 }, () =>
        place(userId, [{ productId, quantity: 2 }], { 'Idempotency-Key': key }),
      ),
    );
    expect(responses.map((response) => response.status).sort()).toEqual([
      200, 200, 200, 200, 200, 200, 200, 200, 200, 201,
    ]);
    const ids = new Set(responses.map((response) => response.body.id));
    expect(ids.size).toBe(1);
    const [orderId] = ids;

    const [final] = await finalOrders([orderId]);
    expect(final.status).toBe('CONFIRMED');
    expect((await call('GET', system.orders(`?userId=${userId}`))).body.total).toBe(1);
    await stockSettlesAt(productId, { available: 8, reserved: 0 });
    await eventually(async () => {
      const items = await notificationsFor(orderId);
      expect(items).toHaveLength(1);
      expect(items[0]).toMatchObject({ template: 'order_confirmation', status: 'SENT', orderId });
    });
    // Still one once later events have gone all the way through.
    await barrier();
    expect(await notificationsFor(orderId)).toHaveLength(1);
  });
});
