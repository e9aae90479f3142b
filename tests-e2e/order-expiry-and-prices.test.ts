import amqp from 'amqplib';
import { MongoClient } from 'mongodb';
import { EventProbe, eventually } from '@ecommerce/shared/testing';
import { call } from './support/http';
import { System } from './support/system';

/**
 * Prices and expiry across the three services as processes: an order service that starts on an
 * empty database catches up with the catalogue; an order nobody answers expires, releases what
 * it holds and is notified once; inventory answers arriving as orders expire end each in one final status.
 */
const PENDING_TIMEOUT_MS = 5000;
const EXPIRED = 'Expired: not confirmed within 5 seconds';

let system: System;

beforeAll(async () => {
  system = await System.start('e2e-expiry', {
    env: { 'order-service': { ORDER_PENDING_TIMEOUT_MS: String(PENDING_TIMEOUT_MS) } },
  });
});

afterAll(async () => {
  await system?.stop();
});

async function place(userId: string, products: Array<{ productId: string; quantity: number }>) {
  const placed = await call('POST', system.orders(), { body: { userId, products } });
  expect(placed.status).toBe(201);
  return placed.body as { id: string; totalPrice: number; createdAt: string };
}

async function finalOf(orderId: string) {
  return eventually(
    async () => {
      const { body } = await call('GET', system.orders(`/${orderId}`));
      expect(body.status).not.toBe('PENDING');
      return body;
    },
    { timeoutMs: 30_000, intervalMs: 100 },
  );
}

/** Runs `work` on a channel of the system's virtual host, on a connection of its own. */
async function onBroker<T>(work: (channel: amqp.Channel) => Promise<T>): Promise<T> {
  const connection = await amqp.connect(system.env.rabbitmqUrl);
  try {
    return await work(await connection.createChannel());
  } finally {
    await connection.close();
  }
}

const messagesIn = (queue: string) =>
  onBroker(async (channel) => (await channel.checkQueue(queue)).messageCount);
const purge = (queue: string) => onBroker((channel) => channel.purgeQueue(queue));

async function notificationsOf(orderId: string) {
  const { body } = await call('GET', system.notifications(`?orderId=${orderId}`), { admin: true });
  return body.items as Array<{ template: string; status: string }>;
}

describe('when a price changes', () => {
  it('then orders placed after get it, and one placed before keeps its own', async () => {
    const productId = await system.createProduct(10, 4.2);
    const before = await place('price-change', [{ productId, quantity: 2 }]);
    expect(before.totalPrice).toBe(8.4);

    await call('PATCH', system.inventory(`/${productId}`), { admin: true, body: { price: 5 } });
    await system.priceKnown(productId, 5);
    const after = await place('price-change', [{ productId, quantity: 2 }]);

    expect(after.totalPrice).toBe(10);
    expect((await finalOf(before.id)).totalPrice).toBe(8.4);
    const stale = await call('POST', system.orders(), {
      body: { userId: 'price-change', products: [{ productId, quantity: 2 }], totalPrice: 8.4 },
    });
    expect(stale.status).toBe(409);
    expect(stale.body.error).toMatchObject({
      code: 'PRICE_CHANGED',
      details: { totalPrice: 10, currency: 'EUR' },
    });
  });
});

describe('when the order service starts on an empty database', () => {
  it('then it asks for the catalogue and knows every product within seconds', async () => {
    const productId = await system.createProduct(3, 7.77);
    const orderService = system.services['order-service'];
    expect(await orderService.stop()).toBe(0);
    const client = await new MongoClient(system.env.mongodbUri('order-service')).connect();
    try {
      await client.db().dropDatabase();
    } finally {
      await client.close();
    }

    const started = Date.now();
    await orderService.start();
    await system.priceKnown('prod1', 999.99);
    await system.priceKnown(productId, 7.77);
    const caughtUpMs = Date.now() - started;
    expect(caughtUpMs).toBeLessThan(10_000);
    const { body } = await call('GET', system.prices('?limit=1'));
    const { body: inventory } = await call('GET', system.inventory('?limit=1'));
    expect(body.total).toBe(inventory.total);
    // The README's first curl works again.
    const laptop = await place('catch-up', [{ productId: 'prod1', quantity: 1 }]);
    expect(laptop.totalPrice).toBe(999.99);
  });
});

/** The expired order's units are all back in `productId`'s stock, and its customer told once. */
async function expectReleasedAndToldOnce(orderId: string, productId: string, stock: number) {
  await eventually(async () => {
    const { body } = await call('GET', system.inventory(`/${productId}`));
    expect(body).toMatchObject({ available: stock, reserved: 0 });
  });
  await eventually(async () =>
    expect(await notificationsOf(orderId)).toEqual([
      expect.objectContaining({ template: 'order_cancelled', status: 'SENT' }),
    ]),
  );
}

describe('when an order gets no answer from the inventory', () => {
  it('then, its answer lost while the inventory holds its units, it expires and the units go back', async () => {
    const productId = await system.createProduct(5);
    const [inventory, orderService] = [
      system.services['inventory-service'],
      system.services['order-service'],
    ];
    expect(await inventory.stop()).toBe(0);
    const placed = await place('lost-answer', [{ productId, quantity: 2 }]);
    const dueAt = Date.parse(placed.createdAt) + PENDING_TIMEOUT_MS;
    expect(await orderService.stop()).toBe(0);
    await inventory.start();
    // The inventory holds the units and has answered; the answer is lost (as if dead-lettered).
    await eventually(async () => {
      const { body } = await call('GET', system.inventory(`/${productId}`));
      expect(body).toMatchObject({ available: 3, reserved: 2 });
      expect(await messagesIn('order-service')).toBe(1);
    });
    await purge('order-service');
    expect(Date.now()).toBeLessThan(dueAt); // all of it happened before the expiry was due
    await orderService.start();

    const expired = await finalOf(placed.id);
    expect(expired).toMatchObject({ status: 'CANCELLED', statusReason: EXPIRED });
    await expectReleasedAndToldOnce(placed.id, productId, 5);
  });

  it('then it expires CANCELLED, the customer is told once, and once the inventory is back nothing stays held', async () => {
    const productId = await system.createProduct(5);
    const inventory = system.services['inventory-service'];
    expect(await inventory.stop()).toBe(0);
    let placed: { id: string; createdAt: string };
    try {
      placed = await place('expiry', [{ productId, quantity: 2 }]);
      const expired = await finalOf(placed.id);
      expect(expired).toMatchObject({
        status: 'CANCELLED',
        statusReason: EXPIRED,
      });
      expect(Date.parse(expired.updatedAt) - Date.parse(placed.createdAt)).toBeGreaterThanOrEqual(
        PENDING_TIMEOUT_MS,
      );
    } finally {
      await inventory.start();
    }
    // Whichever of order.created and the cancellation the inventory takes first, it holds nothing.
    await expectReleasedAndToldOnce(placed.id, productId, 5);
    const { body: history } = await call('GET', system.orders(`/${placed.id}/history`));
    expect(history.items.map((item: { eventType: string }) => item.eventType)).toEqual([
      'order.created',
      'order.status.updated',
    ]);
  });

  it('then inventory answers arriving as the orders expire end each order in one final status, with the stock exact', async () => {
    const stock = 12;
    const productId = await system.createProduct(stock);
    const inventory = system.services['inventory-service'];
    // Held back until the orders expire, so that answers and expiries arrive together.
    expect(await inventory.stop()).toBe(0);
    const placed = await Promise.all(
      Array.from({ length: 16 }, (_, index) =>
        place(`race-${index}`, [{ productId, quantity: 1 }]),
      ),
    );
    // Back as soon as the first of them expires: the others' expiries and the inventory's answers
    // to all of them arrive together.
    await finalOf(placed[0].id);
    await inventory.start();

    const finals = await Promise.all(placed.map(({ id }) => finalOf(id)));
    const confirmed = finals.filter((order) => order.status === 'CONFIRMED').length;
    expect(confirmed).toBeLessThanOrEqual(stock);
    await eventually(async () => {
      const { body } = await call('GET', system.inventory(`/${productId}`));
      expect(body).toMatchObject({ available: stock - confirmed, reserved: 0 });
    });
    for (const { id } of placed) {
      await eventually(async () => expect(await notificationsOf(id)).toHaveLength(1));
      const { body } = await call('GET', system.orders(`/${id}/history`));
      expect(body.items).toHaveLength(2); // placed, then one final status
    }
  });
});

describe('when several order-service instances look for overdue orders', () => {
  let replicated: System;
  let probe: EventProbe;

  beforeAll(async () => {
    replicated = await System.start('e2e-expiry-replicas', {
      replicas: 2,
      env: { 'order-service': { ORDER_PENDING_TIMEOUT_MS: '3000' } },
    });
    probe = await EventProbe.connect(replicated.env.rabbitmqUrl, 'ecommerce.events', [
      'order.status.updated',
    ]);
  });

  afterAll(async () => {
    await probe?.close();
    await replicated?.stop();
  });

  it('then each order expires once, announced once and notified once', async () => {
    const productId = await replicated.createProduct(10);
    for (const instance of replicated.instances['inventory-service']) {
      expect(await instance.stop()).toBe(0);
    }
    const orderIds = await Promise.all(
      Array.from({ length: 10 }, async (_, index) => {
        const { body } = await call('POST', replicated.orders(), {
          body: { userId: `replica-expiry-${index}`, products: [{ productId, quantity: 1 }] },
        });
        return body.id as string;
      }),
    );

    for (const orderId of orderIds) {
      await eventually(
        async () => {
          const { body } = await call('GET', replicated.orders(`/${orderId}`));
          expect(body.status).toBe('CANCELLED');
        },
        { timeoutMs: 30_000, intervalMs: 100 },
      );
      await eventually(async () => {
        const { body } = await call('GET', replicated.notifications(`?orderId=${orderId}`), {
          admin: true,
        });
        expect(body.items).toHaveLength(1);
      });
      expect(probe.eventsOfType('order.status.updated', orderId)).toHaveLength(1);
    }
  });
});
