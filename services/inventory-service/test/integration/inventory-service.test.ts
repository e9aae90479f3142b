import type { EventEnvelope } from '@ecommerce/shared';
import {
  ADMIN,
  catalogueRequestedEvent,
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
    listenTo: ['inventory.status.updated', 'product.changed'],
  });
});

afterAll(() => subject?.stop());

const api = () => subject.api();

function newOrderId(): string {
  orderCount += 1;
  return `00000000-0000-4000-8000-${String(orderCount).padStart(12, '0')}`;
}

async function stock(productId: string, quantity: number): Promise<void> {
  await api().post(`/api/inventory/${productId}`).set(ADMIN).send({ quantity, price: 1 });
}

async function productOf(productId: string) {
  return (await api().get(`/api/inventory/${productId}`).expect(200)).body;
}

function answerTo(orderId: string) {
  return subject.probe.waitFor(
    (e) => e.eventType === 'inventory.status.updated' && e.aggregateId === orderId,
  );
}

function announcementsOf(productId: string) {
  return (
    subject.probe.eventsOfType('product.changed', productId) as Array<
      EventEnvelope<'product.changed'>
    >
  ).map(({ data, sequence }) => ({ ...data, sequence }));
}

describe('when the service starts on an empty database', () => {
  it('then it has seeded and announced the test products, a laptop at 999.99 in stock and prod2 sold out', async () => {
    const inventory = (await api().get('/api/inventory?include=totals').expect(200)).body;
    const laptop = inventory.items.find((p: { productId: string }) => p.productId === 'prod1');
    expect(laptop).toMatchObject({ name: 'Laptop', price: 999.99, currency: 'EUR', reserved: 0 });
    expect(laptop.available).toBeGreaterThan(0);
    expect(await productOf('prod2')).toMatchObject({ available: 0, reserved: 0 });
    expect(inventory.totalProducts).toBe(inventory.items.length);
    expect(inventory.totalAvailable).toBe(
      inventory.items.reduce((sum: number, p: { available: number }) => sum + p.available, 0),
    );
    await eventually(() =>
      expect(announcementsOf('prod1')).toEqual([
        { productId: 'prod1', name: 'Laptop', price: 999.99, currency: 'EUR', sequence: 1 },
      ]),
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
  it('then a new product is created with 201 and announced; an existing one updated with 200, announced only when its listing changes', async () => {
    const productId = `new-${Date.now()}`;
    const created = await api()
      .post(`/api/inventory/${productId}`)
      .set(ADMIN)
      .send({ quantity: 3, price: 19.9 });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      productId,
      name: productId,
      price: 19.9,
      currency: 'EUR',
      available: 3,
      reserved: 0,
    });

    await api().post(`/api/inventory/${productId}`).set(ADMIN).send({ quantity: 5 }).expect(200);
    const updated = await api()
      .post(`/api/inventory/${productId}`)
      .set(ADMIN)
      .send({ quantity: 7, name: 'Seven', price: 21, currency: 'usd' })
      .expect(200);
    expect(updated.body).toMatchObject({ productId, name: 'Seven', available: 7, price: 21 });
    expect(updated.body.currency).toBe('USD');

    await eventually(() => expect(announcementsOf(productId)).toHaveLength(2));
    expect(announcementsOf(productId)).toEqual([
      { productId, name: productId, price: 19.9, currency: 'EUR', sequence: 1 },
      { productId, name: 'Seven', price: 21, currency: 'USD', sequence: 2 },
    ]);
  });

  it('then a new product without a price is a 400 PRICE_REQUIRED and is not created', async () => {
    const productId = `priceless-${Date.now()}`;
    const response = await api()
      .post(`/api/inventory/${productId}`)
      .set(ADMIN)
      .send({ quantity: 3 })
      .expect(400);
    expect(response.body.error.code).toBe('PRICE_REQUIRED');
    await api().get(`/api/inventory/${productId}`).expect(404);
  });

  it('then PATCH changes the price alone, and is a 404 for an unknown product', async () => {
    const productId = `patched-${Date.now()}`;
    await api()
      .post(`/api/inventory/${productId}`)
      .set(ADMIN)
      .send({ quantity: 3, price: 10 })
      .expect(201);
    const patched = await api()
      .patch(`/api/inventory/${productId}`)
      .set(ADMIN)
      .send({ price: 12.34 })
      .expect(200);
    expect(patched.body).toMatchObject({ price: 12.34, available: 3, name: productId });
    await eventually(() =>
      expect(announcementsOf(productId).map(({ price }) => price)).toEqual([10, 12.34]),
    );

    const unknown = await api()
      .patch('/api/inventory/nope-patched')
      .set(ADMIN)
      .send({ price: 1 })
      .expect(404);
    expect(unknown.body.error.code).toBe('PRODUCT_NOT_FOUND');
    await api().patch(`/api/inventory/${productId}`).send({ price: 1 }).expect(401);
    const empty = await api().patch(`/api/inventory/${productId}`).set(ADMIN).send({}).expect(400);
    expect(empty.body.error.message).toContain('at least one of');
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
    ['a price with three decimals', { quantity: 1, price: 1.005 }],
    ['a price as a string', { quantity: 1, price: '1.00' }],
    ['a negative price', { quantity: 1, price: -1 }],
    ['an unknown currency', { quantity: 1, currency: 'EURO' }],
    ['a made-up currency', { quantity: 1, currency: 'ABC' }],
  ])('then %s is a 400 and the stock is unchanged', async (_case, body) => {
    const before = await productOf('prod3');
    const response = await api().post('/api/inventory/prod3').set(ADMIN).send(body).expect(400);
    expect(response.body.error.code).toBe('VALIDATION_ERROR');
    expect(await productOf('prod3')).toEqual(before);
  });
});

describe('when the catalogue is listed', () => {
  it('then it pages newest first with a total, and finds by id or name whatever the case', async () => {
    await stock('listed-older', 1);
    await stock('listed-newer', 1);
    const first = (await api().get('/api/inventory').query({ limit: 2 }).expect(200)).body;
    expect(first).toMatchObject({ limit: 2, offset: 0, totalIsExact: true });
    expect(first.items.map((p: { productId: string }) => p.productId)).toEqual([
      'listed-newer',
      'listed-older',
    ]);
    expect(first).not.toHaveProperty('totalAvailable');
    const second = (await api().get('/api/inventory').query({ limit: 2, offset: 1 })).body;
    expect(second.items[0].productId).toBe('listed-older');

    const byName = (await api().get('/api/inventory').query({ search: 'keyBOARD' })).body;
    expect(byName.items.map((p: { productId: string }) => p.productId)).toEqual(['prod3']);
    expect(byName.total).toBe(1);
    const byId = (await api().get('/api/inventory').query({ search: 'prod4' })).body;
    expect(byId.items).toEqual([expect.objectContaining({ name: '27-inch Monitor' })]);
  });

  it.each([['limit=0'], ['search='], ['include=everything'], ['search[$ne]=x']])(
    'then a bad query %s is a 400',
    async (query) => {
      const response = await api().get(`/api/inventory?${query}`).expect(400);
      expect(response.body.error.code).toBe('VALIDATION_ERROR');
    },
  );
});

describe('when an order service asks for the catalogue', () => {
  it('then every product is announced again, newer than before, its stock untouched', async () => {
    await stock('announced-a', 4);
    const before = await productOf('announced-a');
    const sequenceBefore = await eventually(() => {
      const [last] = announcementsOf('announced-a').slice(-1);
      expect(last).toBeDefined();
      return last.sequence;
    });
    const total = (await api().get('/api/inventory').expect(200)).body.total;
    const seen = subject.probe.eventsOfType('product.changed').length;

    await subject.probe.publish(catalogueRequestedEvent());

    await eventually(() =>
      expect(subject.probe.eventsOfType('product.changed').length - seen).toBe(total),
    );
    const [again] = announcementsOf('announced-a').slice(-1);
    expect(again).toMatchObject({ price: 1, sequence: sequenceBefore + 1 });
    expect(await productOf('announced-a')).toMatchObject({
      available: before.available,
      reserved: before.reserved,
    });
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
