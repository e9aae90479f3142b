import {
  ADMIN,
  eventually,
  metricValue,
  orderCreatedEvent,
  orderStatusUpdatedEvent,
  ServiceUnderTest,
} from '@ecommerce/shared/testing';
import { inventoryServiceSettings } from '../../src/config';
import { startInventoryService } from '../../src/start';

let subject: ServiceUnderTest;
let orderCount = 0;

beforeAll(async () => {
  subject = await ServiceUnderTest.start({
    label: 'inventory-service',
    settings: inventoryServiceSettings,
    start: startInventoryService,
    env: { PREFETCH: '20' },
    listenTo: ['inventory.status.updated'],
  });
});

afterAll(() => subject?.stop());

const api = () => subject.api();

function newOrderId(): string {
  orderCount += 1;
  return `00000000-0000-4000-8000-${String(orderCount).padStart(12, '0')}`;
}

async function stock(productId: string, quantity: number): Promise<void> {
  await api().post(`/api/inventory/${productId}`).set(ADMIN).send({ quantity });
}

async function productOf(productId: string) {
  return (await api().get(`/api/inventory/${productId}`).expect(200)).body;
}

function answerTo(orderId: string) {
  return subject.probe.waitFor(
    (e) => e.eventType === 'inventory.status.updated' && e.aggregateId === orderId,
  );
}

describe('when the service starts on an empty database', () => {
  it('then it has seeded the test products, a laptop in stock and prod2 sold out', async () => {
    const inventory = (await api().get('/api/inventory').expect(200)).body;
    const laptop = inventory.items.find((p: { productId: string }) => p.productId === 'prod1');
    expect(laptop).toMatchObject({ name: 'Laptop', reserved: 0 });
    expect(laptop.available).toBeGreaterThan(0);
    expect(await productOf('prod2')).toMatchObject({ available: 0, reserved: 0 });
    expect(inventory.totalProducts).toBe(inventory.items.length);
    expect(inventory.totalAvailable).toBe(
      inventory.items.reduce((sum: number, p: { available: number }) => sum + p.available, 0),
    );
  });
});

describe('when an order is created', () => {
  it('then its units move from available to reserved and SUCCESS is answered in its correlation', async () => {
    await stock('res-a', 5);
    const orderId = newOrderId();
    const created = orderCreatedEvent(orderId, [{ productId: 'res-a', quantity: 2 }]);
    await subject.probe.publish(created);

    const answer = await answerTo(orderId);
    expect(answer).toMatchObject({
      source: 'inventory-service',
      sequence: 1,
      correlationId: created.correlationId,
      causationId: created.eventId,
      data: { orderId, status: 'SUCCESS' },
    });
    expect(await productOf('res-a')).toMatchObject({ available: 3, reserved: 2 });
  });

  it('then a shortfall answers FAILURE with the contract reason and reserves nothing', async () => {
    await stock('short-a', 5);
    await stock('short-b', 1);
    const orderId = newOrderId();
    await subject.probe.publish(
      orderCreatedEvent(orderId, [
        { productId: 'short-a', quantity: 2 },
        { productId: 'short-b', quantity: 3 },
      ]),
    );

    const answer = await answerTo(orderId);
    expect(answer.data).toEqual({
      orderId,
      status: 'FAILURE',
      reason: 'Insufficient inventory for product short-b: requested 3, available 1',
    });
    expect(await productOf('short-a')).toMatchObject({ available: 5, reserved: 0 });
    expect(await productOf('short-b')).toMatchObject({ available: 1, reserved: 0 });
  });

  it('then an unknown product answers FAILURE naming it', async () => {
    const orderId = newOrderId();
    await subject.probe.publish(
      orderCreatedEvent(orderId, [{ productId: 'no-such-product', quantity: 1 }]),
    );
    expect((await answerTo(orderId)).data).toMatchObject({
      status: 'FAILURE',
      reason: 'Unknown product no-such-product',
    });
  });

  it('then the same order created ten times, even under new event ids, reserves once', async () => {
    await stock('dup-a', 10);
    const orderId = newOrderId();
    const settledBefore = await subject.eventsSettled('order.created');
    const created = orderCreatedEvent(orderId, [{ productId: 'dup-a', quantity: 3 }]);
    const again = orderCreatedEvent(orderId, [{ productId: 'dup-a', quantity: 3 }]);
    await Promise.all([
      ...Array.from({ length: 10 }, () => subject.probe.publish(created)),
      subject.probe.publish(again),
    ]);

    await answerTo(orderId);
    await eventually(async () =>
      expect((await subject.eventsSettled('order.created')) - settledBefore).toBe(11),
    );
    expect(await productOf('dup-a')).toMatchObject({ available: 7, reserved: 3 });
    expect(subject.probe.eventsOfType('inventory.status.updated', orderId)).toHaveLength(1);
  });

  it('then 20 concurrent orders for the last 5 units succeed exactly 5 times', async () => {
    await stock('last-five', 5);
    const orderIds = Array.from({ length: 20 }, newOrderId);
    await Promise.all(
      orderIds.map((id) =>
        subject.probe.publish(orderCreatedEvent(id, [{ productId: 'last-five', quantity: 1 }])),
      ),
    );

    const answers = await Promise.all(orderIds.map(answerTo));
    const succeeded = answers.filter(
      (answer) =>
        answer.eventType === 'inventory.status.updated' && answer.data.status === 'SUCCESS',
    );
    expect(succeeded).toHaveLength(5);
    expect(await productOf('last-five')).toMatchObject({ available: 0, reserved: 5 });
  });
});

describe('when the order reaches its final status', () => {
  it('then CONFIRMED takes the reserved units out of stock, once', async () => {
    await stock('conf-a', 4);
    const orderId = newOrderId();
    await subject.probe.publish(orderCreatedEvent(orderId, [{ productId: 'conf-a', quantity: 3 }]));
    await answerTo(orderId);

    const confirmed = orderStatusUpdatedEvent(orderId, 'CONFIRMED');
    await subject.probe.publish(confirmed);
    await subject.probe.publish(confirmed);
    await eventually(async () =>
      expect(await productOf('conf-a')).toMatchObject({ available: 1, reserved: 0 }),
    );
  });

  it('then CANCELLED returns the reserved units to available', async () => {
    await stock('canc-a', 4);
    const orderId = newOrderId();
    await subject.probe.publish(orderCreatedEvent(orderId, [{ productId: 'canc-a', quantity: 3 }]));
    await answerTo(orderId);
    expect(await productOf('canc-a')).toMatchObject({ available: 1, reserved: 3 });

    await subject.probe.publish(orderStatusUpdatedEvent(orderId, 'CANCELLED'));
    await eventually(async () =>
      expect(await productOf('canc-a')).toMatchObject({ available: 4, reserved: 0 }),
    );
  });

  it('then a cancellation seen before its order.created makes that late event reserve nothing', async () => {
    await stock('late-a', 4);
    const orderId = newOrderId();
    const cancellationsBefore = await subject.eventsSettled('order.status.updated');
    await subject.probe.publish(orderStatusUpdatedEvent(orderId, 'CANCELLED'));
    await eventually(async () =>
      expect((await subject.eventsSettled('order.status.updated')) - cancellationsBefore).toBe(1),
    );
    const createdBefore = await subject.eventsSettled('order.created');
    await subject.probe.publish(orderCreatedEvent(orderId, [{ productId: 'late-a', quantity: 2 }]));

    await eventually(async () =>
      expect((await subject.eventsSettled('order.created')) - createdBefore).toBe(1),
    );
    expect(await productOf('late-a')).toMatchObject({ available: 4, reserved: 0 });
  });
});

describe('when stock is set by an admin', () => {
  it('then a new product is created with 201 and an existing one updated with 200', async () => {
    const productId = `new-${Date.now()}`;
    const created = await api()
      .post(`/api/inventory/${productId}`)
      .set(ADMIN)
      .send({ quantity: 3 });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ productId, name: productId, available: 3, reserved: 0 });

    const updated = await api()
      .post(`/api/inventory/${productId}`)
      .set(ADMIN)
      .send({ quantity: 7, name: 'Seven' })
      .expect(200);
    expect(updated.body).toMatchObject({ productId, name: 'Seven', available: 7 });
  });

  it('then it needs the admin token', async () => {
    const response = await api().post('/api/inventory/prod1').send({ quantity: 1 }).expect(401);
    expect(response.body.error.code).toBe('UNAUTHORIZED');
    expect((await productOf('prod1')).available).toBeGreaterThan(1);
  });

  it.each([
    ['a negative quantity', { quantity: -1 }],
    ['a fractional quantity', { quantity: 1.5 }],
    ['a quantity as a string', { quantity: '5' }],
    ['no quantity', {}],
    ['an operator', { quantity: { $gt: 0 } }],
    ['an unknown field', { quantity: 1, reserved: 0 }],
  ])('then %s is a 400 and the stock is unchanged', async (_case, body) => {
    const before = await productOf('prod3');
    const response = await api().post('/api/inventory/prod3').set(ADMIN).send(body).expect(400);
    expect(response.body.error.code).toBe('VALIDATION_ERROR');
    expect(await productOf('prod3')).toEqual(before);
  });
});

describe('when a product is looked up', () => {
  it('then an unknown id is a 404 and a malformed one a 400', async () => {
    const unknown = await api().get('/api/inventory/nope-404').expect(404);
    expect(unknown.body.error.code).toBe('PRODUCT_NOT_FOUND');
    const malformed = await api().get('/api/inventory/bad%20id').expect(400);
    expect(malformed.body.error.code).toBe('VALIDATION_ERROR');
  });
});

describe('when its metrics are scraped', () => {
  it('then both of its work queues are there: inventory-service and the settlement lane, each with its consumer', async () => {
    const text = (await api().get('/metrics').expect(200)).text;
    for (const queue of ['inventory-service', 'inventory-service.settlement']) {
      expect(metricValue(text, 'work_queue_consumers', { queue })).toBe(1);
      expect(metricValue(text, 'work_queue_messages', { queue })).toEqual(expect.any(Number));
    }
  });
});
