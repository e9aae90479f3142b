import { eventually } from '@ecommerce/shared/testing';
import { call } from './support/http';
import { System } from './support/system';

/**
 * The whole system as a user meets it: three services as processes, on a real RabbitMQ and a
 * real MongoDB-wire database, driven only through their HTTP APIs.
 */
let system: System;

beforeAll(async () => {
  system = await System.start('e2e-flow');
});

afterAll(async () => {
  await system?.stop();
});

async function finalStatusOf(orderId: string) {
  return eventually(async () => {
    const { body } = await call('GET', system.orders(`/${orderId}`));
    expect(body.status).not.toBe('PENDING');
    return body;
  });
}

async function notificationsFor(orderId: string, count: number) {
  return eventually(async () => {
    const { body } = await call('GET', system.notifications(`?orderId=${orderId}`), {
      admin: true,
    });
    expect(body.items).toHaveLength(count);
    expect(body.items.every((n: { status: string }) => n.status === 'SENT')).toBe(true);
    return body.items;
  });
}

describe('when a customer orders a laptop that is in stock', () => {
  it('then the order is CONFIRMED, the stock leaves the inventory and a confirmation is sent', async () => {
    const before = (await call('GET', system.inventory('/prod1'))).body;
    const placed = await call('POST', system.orders(), {
      headers: { 'x-correlation-id': 'e2e-laptop-order' },
      body: {
        userId: 'user123',
        products: [{ productId: 'prod1', quantity: 2 }],
        totalPrice: 1999.98,
        contact: { email: 'ada@example.com' },
      },
    });
    expect(placed.status).toBe(201);
    expect(placed.body.status).toBe('PENDING');
    expect(placed.headers.get('x-correlation-id')).toBe('e2e-laptop-order');

    const final = await finalStatusOf(placed.body.id);
    expect(final.status).toBe('CONFIRMED');
    await eventually(async () => {
      const after = (await call('GET', system.inventory('/prod1'))).body;
      expect(after).toMatchObject({ available: before.available - 2, reserved: before.reserved });
    });
    const [sent] = await notificationsFor(placed.body.id, 1);
    expect(sent).toMatchObject({
      type: 'email',
      recipient: 'ada@example.com',
      template: 'order_confirmation',
      orderId: placed.body.id,
      status: 'SENT',
    });
  });
});

describe('when a customer orders more than is in stock', () => {
  it('then the order is CANCELLED with the inventory reason and a cancellation is sent', async () => {
    const placed = await call('POST', system.orders(), {
      body: {
        userId: 'user456',
        products: [{ productId: 'prod2', quantity: 2 }],
        totalPrice: 49.98,
      },
    });
    expect(placed.status).toBe(201);

    const final = await finalStatusOf(placed.body.id);
    expect(final).toMatchObject({
      status: 'CANCELLED',
      statusReason: 'Insufficient inventory for product prod2: requested 2, available 0',
    });
    const [logged] = await notificationsFor(placed.body.id, 1);
    expect(logged).toMatchObject({
      type: 'log',
      recipient: 'user456',
      template: 'order_cancelled',
    });
  });

  it('then a multi-product order short of one product reserves none of the others', async () => {
    const plenty = await system.createProduct(10);
    const scarce = await system.createProduct(1);
    const placed = await call('POST', system.orders(), {
      body: {
        userId: 'user789',
        products: [
          { productId: plenty, quantity: 3 },
          { productId: scarce, quantity: 2 },
        ],
        totalPrice: 5,
      },
    });
    const final = await finalStatusOf(placed.body.id);
    expect(final.statusReason).toBe(
      `Insufficient inventory for product ${scarce}: requested 2, available 1`,
    );
    expect((await call('GET', system.inventory(`/${plenty}`))).body).toMatchObject({
      available: 10,
      reserved: 0,
    });
    expect((await call('GET', system.inventory(`/${scarce}`))).body).toMatchObject({
      available: 1,
      reserved: 0,
    });
  });
});

describe('when a customer cancels', () => {
  it('then a confirmed order is refused with 409 Cannot cancel confirmed order', async () => {
    const placed = await call('POST', system.orders(), {
      body: {
        userId: 'user123',
        products: [{ productId: 'prod3', quantity: 1 }],
        totalPrice: 89.5,
      },
    });
    expect((await finalStatusOf(placed.body.id)).status).toBe('CONFIRMED');

    const cancel = await call('DELETE', system.orders(`/${placed.body.id}`));
    expect(cancel.status).toBe(409);
    expect(cancel.body.error).toEqual({
      code: 'ORDER_NOT_CANCELLABLE',
      message: 'Cannot cancel confirmed order',
    });
  });

  it('then a pending order is CANCELLED and its stock comes back, whenever the inventory sees it', async () => {
    // With the inventory down the order stays PENDING: the customer cancels it before any
    // reservation, and the inventory then sees order.created and the cancellation late.
    const stocked = await system.createProduct(4);
    expect(await system.services['inventory-service'].stop()).toBe(0);
    const placed = await call('POST', system.orders(), {
      body: {
        userId: 'user321',
        products: [{ productId: stocked, quantity: 3 }],
        totalPrice: 3,
        contact: { phone: '+15551234567' },
      },
    });
    const cancelled = await call('DELETE', system.orders(`/${placed.body.id}`));
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({
      status: 'CANCELLED',
      statusReason: 'Cancelled by customer',
    });

    await system.services['inventory-service'].start();
    await eventually(async () => {
      const response = await call('GET', `${system.url('inventory-service')}/api/health`);
      expect(response.status).toBe(200);
    });
    const [sms] = await notificationsFor(placed.body.id, 1);
    expect(sms).toMatchObject({
      type: 'sms',
      recipient: '+15551234567',
      template: 'order_cancelled',
    });
    // Either it never reserved (cancellation first) or it released: the stock ends whole.
    await eventually(async () =>
      expect((await call('GET', system.inventory(`/${stocked}`))).body).toMatchObject({
        available: 4,
        reserved: 0,
      }),
    );
    expect((await call('GET', system.orders(`/${placed.body.id}`))).body.status).toBe('CANCELLED');
  });
});

describe('when requests are bad', () => {
  it('then each service answers 4xx in the error shape and stores nothing', async () => {
    const before = (await call('GET', system.orders())).body.total;
    const cases = [
      await call('POST', system.orders(), { body: { userId: 'u', products: [], totalPrice: 1 } }),
      await call('POST', system.orders(), {
        body: {
          userId: { $gt: '' },
          products: [{ productId: 'prod1', quantity: 1 }],
          totalPrice: 1,
        },
      }),
      await call('GET', system.orders('?status[$ne]=PENDING')),
      await call('GET', system.orders('/not-a-uuid')),
      await call('POST', system.inventory('/prod1'), { body: { quantity: 5 } }),
      await call('POST', system.inventory('/prod1'), { admin: true, body: { quantity: -5 } }),
      await call('POST', system.notifications(), {
        admin: true,
        body: { type: 'fax', recipient: 'x', template: 'order_confirmation' },
      }),
    ];
    expect(cases.map((response) => response.status)).toEqual([400, 400, 400, 400, 401, 400, 400]);
    for (const response of cases) {
      expect(response.body.error).toEqual(
        expect.objectContaining({ code: expect.any(String), message: expect.any(String) }),
      );
    }
    expect((await call('GET', system.orders())).body.total).toBe(before);
  });
});

describe('when the README examples are run', () => {
  it('then the inventory lists the seed, templates are listed and the example notification is accepted', async () => {
    const stock = await call('GET', system.inventory('?include=totals'));
    expect(stock.status).toBe(200);
    expect(stock.body).toMatchObject({
      total: expect.any(Number),
      totalProducts: expect.any(Number),
      totalAvailable: expect.any(Number),
      totalReserved: expect.any(Number),
    });
    expect(stock.body.items.map((p: { productId: string }) => p.productId)).toEqual(
      expect.arrayContaining(['prod1', 'prod2']),
    );

    const templates = await call('GET', `${system.url('notification-service')}/api/templates`);
    expect(templates.body.map((t: { name: string }) => t.name)).toEqual(
      expect.arrayContaining(['order_confirmation', 'order_cancelled']),
    );

    const sent = await call('POST', system.notifications(), {
      admin: true,
      body: {
        type: 'email',
        recipient: 'user@example.com',
        template: 'order_confirmation',
        variables: { orderId: '12345', total: 99.99 },
      },
    });
    expect(sent.status).toBe(202);
    expect(sent.body).toMatchObject({ type: 'email', template: 'order_confirmation' });

    for (const name of ['order-service', 'inventory-service', 'notification-service'] as const) {
      const health = await call('GET', `${system.url(name)}/api/health`);
      expect(health.body).toMatchObject({
        status: 'ok',
        service: name,
        checks: { mongodb: 'up', rabbitmq: 'up' },
      });
      const metrics = await fetch(`${system.url(name)}/metrics`);
      expect(await metrics.text()).toContain('http_request_duration_seconds');
    }
  });
});

describe('when the services are told to stop', () => {
  it('then each drains and exits 0', async () => {
    const codes = await system.stop();
    expect(codes).toEqual({
      'order-service': 0,
      'inventory-service': 0,
      'notification-service': 0,
    });
  });
});
