import {
  eventually,
  inventoryStatusUpdatedEvent,
  productChangedEvent,
  ServiceUnderTest,
} from '@ecommerce/shared/testing';
import { orderServiceSettings } from '../../src/config';
import { startOrderService } from '../../src/start';
import { announcePrices } from '../support/price-list';

// Prices, expiry and history on the real service (RabbitMQ, the database), playing the inventory.

const PENDING_TIMEOUT_MS = 4000;

let subject: ServiceUnderTest;

beforeAll(async () => {
  subject = await ServiceUnderTest.start({
    label: 'order-pricing',
    settings: orderServiceSettings,
    start: startOrderService,
    env: { ORDER_PENDING_TIMEOUT_MS: String(PENDING_TIMEOUT_MS) },
  });
  await announcePrices(subject, { laptop: 999.99, dime: 0.1, 'two-dimes': 0.2, mouse: 24.99 });
  await announcePrices(subject, { 'us-cable': 5 }, 'USD');
});

afterAll(() => subject?.stop());

const api = () => subject.api();
let users = 0;
const newUser = () => `pricing-${Date.now()}-${++users}`;

async function ordersOf(userId: string): Promise<number> {
  return (await api().get('/api/orders').query({ userId }).expect(200)).body.total;
}

/** Places an order for a new customer that must be refused with `status`: its error, nothing stored. */
async function refused(status: number, body: object): Promise<{ code: string; message: string }> {
  const userId = newUser();
  const response = await api()
    .post('/api/orders')
    .send({ userId, ...body })
    .expect(status);
  expect(await ordersOf(userId)).toBe(0);
  return response.body.error;
}

describe('when the service starts with an empty price list', () => {
  it('then it asks the inventory for the catalogue', async () => {
    const request = await subject.probe.waitFor((e) => e.eventType === 'catalogue.requested');
    expect(request).toMatchObject({
      source: 'order-service',
      data: { requestId: expect.any(String) },
    });
  });
});

describe('when an order is priced', () => {
  it('then each line gets its price and the order the exact total and currency, sent or not', async () => {
    const userId = newUser();
    const products = [
      { productId: 'dime', quantity: 1 },
      { productId: 'two-dimes', quantity: 1 },
    ];
    const sent = await api().post('/api/orders').send({ userId, products, totalPrice: 0.3 });
    expect(sent.status).toBe(201);
    expect(sent.body).toMatchObject({
      products: [
        { productId: 'dime', quantity: 1, unitPrice: 0.1 },
        { productId: 'two-dimes', quantity: 1, unitPrice: 0.2 },
      ],
      totalPrice: 0.3,
      currency: 'EUR',
    });
    const computed = await api()
      .post('/api/orders')
      .send({ userId, products: [{ productId: 'laptop', quantity: 3 }] })
      .expect(201);
    expect(computed.body).toMatchObject({ totalPrice: 2999.97, currency: 'EUR' });
    const created = await subject.probe.waitFor(
      (e) => e.eventType === 'order.created' && e.aggregateId === computed.body.id,
    );
    expect(created.data).toMatchObject({
      products: [{ productId: 'laptop', quantity: 3, unitPrice: 999.99 }],
      totalPrice: 2999.97,
      currency: 'EUR',
    });
  });

  it('then a total that is not the current one is a 409 PRICE_CHANGED with the current total, and nothing is stored', async () => {
    const userId = newUser();
    const response = await api()
      .post('/api/orders')
      .set('Idempotency-Key', `stale-${userId}`)
      .send({ userId, products: [{ productId: 'laptop', quantity: 1 }], totalPrice: 899.99 })
      .expect(409);
    expect(response.body.error).toEqual({
      code: 'PRICE_CHANGED',
      message: 'The total is 999.99 EUR at current prices, not 899.99',
      details: { totalPrice: 999.99, currency: 'EUR' },
    });
    expect(await ordersOf(userId)).toBe(0);
    // The key was not claimed: the same key with the current total places the order.
    await api()
      .post('/api/orders')
      .set('Idempotency-Key', `stale-${userId}`)
      .send({ userId, products: [{ productId: 'laptop', quantity: 1 }], totalPrice: 999.99 })
      .expect(201);
  });

  it('then a product the price list lacks is a 400 UNKNOWN_PRODUCT naming it, and nothing is stored', async () => {
    const error = await refused(400, {
      products: [
        { productId: 'laptop', quantity: 1 },
        { productId: 'never-announced', quantity: 1 },
      ],
    });
    expect(error).toMatchObject({
      code: 'UNKNOWN_PRODUCT',
      message: 'Unknown product: never-announced',
    });
  });

  it('then lines priced in different currencies are a 400 MIXED_CURRENCIES', async () => {
    const error = await refused(400, {
      products: [
        { productId: 'laptop', quantity: 1 },
        { productId: 'us-cable', quantity: 1 },
      ],
    });
    expect(error.code).toBe('MIXED_CURRENCIES');
  });

  it.each([
    ['three decimals', 999.999],
    ['a string', '999.99'],
    ['a negative total', -1],
  ])('then a total with %s is a 400 VALIDATION_ERROR', async (_case, totalPrice) => {
    const error = await refused(400, {
      products: [{ productId: 'laptop', quantity: 1 }],
      totalPrice,
    });
    expect(error.code).toBe('VALIDATION_ERROR');
  });
});

describe('when a price changes', () => {
  it('then new orders get the new price and placed ones keep theirs; an older announcement changes nothing', async () => {
    const userId = newUser();
    await announcePrices(subject, { repriced: 10 });
    const before = await api()
      .post('/api/orders')
      .send({ userId, products: [{ productId: 'repriced', quantity: 2 }] })
      .expect(201);

    await announcePrices(subject, { repriced: 12.5 });
    const after = await api()
      .post('/api/orders')
      .send({ userId, products: [{ productId: 'repriced', quantity: 2 }] })
      .expect(201);
    expect(after.body.totalPrice).toBe(25);
    expect((await api().get(`/api/orders/${before.body.id}`).expect(200)).body).toMatchObject({
      products: [{ unitPrice: 10 }],
      totalPrice: 20,
    });

    // A redelivered or late announcement of the first price must not bring it back.
    const settled = await subject.eventsSettled('product.changed');
    await subject.probe.publish(productChangedEvent('repriced', 10, { sequence: 1 }));
    await subject.probe.publish(productChangedEvent('repriced', 10, { sequence: 2 }));
    await eventually(async () =>
      expect(await subject.eventsSettled('product.changed')).toBe(settled + 2),
    );
    expect((await api().get('/api/prices/repriced').expect(200)).body.price).toBe(12.5);
  });
});

describe('when the price list is read', () => {
  it('then it pages newest first, finds by id or name, and says when a product is unknown', async () => {
    await announcePrices(subject, { 'listed-older': 1 });
    await announcePrices(subject, { 'listed-newer': 1 });
    const all = (await api().get('/api/prices').query({ limit: 2 }).expect(200)).body;
    expect(all).toMatchObject({ limit: 2, offset: 0, totalIsExact: true });
    expect(all.items.map((item: { productId: string }) => item.productId)).toEqual([
      'listed-newer',
      'listed-older',
    ]);
    expect(all.total).toBeGreaterThanOrEqual(7);

    const found = (await api().get('/api/prices').query({ search: 'LAP' }).expect(200)).body;
    expect(found.items).toEqual([
      {
        productId: 'laptop',
        name: 'laptop',
        price: 999.99,
        currency: 'EUR',
        updatedAt: expect.any(String),
      },
    ]);
    const byPattern = (await api().get('/api/prices').query({ search: '.*' }).expect(200)).body;
    expect(byPattern.total).toBe(0); // a search is text, never a pattern

    const unknown = await api().get('/api/prices/nothing-here').expect(404);
    expect(unknown.body.error.code).toBe('PRODUCT_NOT_FOUND');
    await api().get('/api/prices/not$valid').expect(400);
    await api()
      .get('/api/prices')
      .query({ search: 'x'.repeat(101) })
      .expect(400);
  });
});

describe("when an order's history is asked", () => {
  it('then a confirmed order shows its placement and the inventory answer behind its confirmation', async () => {
    const placed = await api()
      .post('/api/orders')
      .send({ userId: newUser(), products: [{ productId: 'mouse', quantity: 1 }] })
      .expect(201);
    const created = await subject.probe.waitFor(
      (e) => e.eventType === 'order.created' && e.aggregateId === placed.body.id,
    );
    const answer = inventoryStatusUpdatedEvent(placed.body.id, 'SUCCESS');
    await subject.probe.publish(answer);

    const history = await eventually(async () => {
      const { items } = (await api().get(`/api/orders/${placed.body.id}/history`).expect(200)).body;
      expect(items).toHaveLength(2);
      return items;
    });
    expect(history).toEqual([
      {
        status: 'PENDING',
        at: placed.body.createdAt,
        eventId: created.eventId,
        eventType: 'order.created',
        source: 'order-service',
      },
      {
        status: 'CONFIRMED',
        at: expect.any(String),
        eventId: answer.eventId,
        eventType: 'inventory.status.updated',
        source: 'inventory-service',
      },
    ]);
    expect((await api().get(`/api/orders/${placed.body.id}`)).body).not.toHaveProperty('history');
  });

  it("then a cancelled order shows the customer's cancellation with its reason", async () => {
    const placed = await api()
      .post('/api/orders')
      .send({ userId: newUser(), products: [{ productId: 'mouse', quantity: 1 }] })
      .expect(201);
    await api().delete(`/api/orders/${placed.body.id}`).expect(200);
    const cancellation = await subject.probe.waitFor(
      (e) => e.eventType === 'order.status.updated' && e.aggregateId === placed.body.id,
    );
    const { items } = (await api().get(`/api/orders/${placed.body.id}/history`).expect(200)).body;
    expect(items.map((item: { status: string }) => item.status)).toEqual(['PENDING', 'CANCELLED']);
    expect(items[1]).toMatchObject({
      reason: 'Cancelled by customer',
      eventId: cancellation.eventId,
      eventType: 'order.status.updated',
      source: 'order-service',
    });
  });

  it('then an unknown order is a 404 and a malformed id a 400', async () => {
    const unknown = await api()
      .get('/api/orders/00000000-0000-4000-8000-000000000009/history')
      .expect(404);
    expect(unknown.body.error.code).toBe('ORDER_NOT_FOUND');
    await api().get('/api/orders/not-a-uuid/history').expect(400);
  });
});

describe('when an order gets no inventory answer', () => {
  it('then it expires CANCELLED after ORDER_PENDING_TIMEOUT_MS, announced once, with its cancellation in its history', async () => {
    const placed = await api()
      .post('/api/orders')
      .send({ userId: newUser(), products: [{ productId: 'mouse', quantity: 2 }] })
      .expect(201);
    const expired = await eventually(
      async () => {
        const order = (await api().get(`/api/orders/${placed.body.id}`).expect(200)).body;
        expect(order.status).toBe('CANCELLED');
        return order;
      },
      { timeoutMs: PENDING_TIMEOUT_MS * 4 },
    );
    expect(expired.statusReason).toBe('Expired: not confirmed within 4 seconds');
    // Not before it was due.
    expect(Date.parse(expired.updatedAt) - Date.parse(placed.body.createdAt)).toBeGreaterThan(
      PENDING_TIMEOUT_MS,
    );
    const announced = await subject.probe.waitFor(
      (e) => e.eventType === 'order.status.updated' && e.aggregateId === placed.body.id,
    );
    expect(announced).toMatchObject({
      causationId: null,
      data: { status: 'CANCELLED', previousStatus: 'PENDING', reason: expired.statusReason },
    });
    const { items } = (await api().get(`/api/orders/${placed.body.id}/history`)).body;
    expect(items[1]).toEqual({
      status: 'CANCELLED',
      at: expired.updatedAt,
      reason: expired.statusReason,
      eventId: announced.eventId,
      eventType: 'order.status.updated',
      source: 'order-service',
    });

    // A late inventory answer changes nothing.
    const answersBefore = await subject.eventsSettled('inventory.status.updated');
    await subject.probe.publish(inventoryStatusUpdatedEvent(placed.body.id, 'SUCCESS'));
    await eventually(async () =>
      expect(await subject.eventsSettled('inventory.status.updated')).toBe(answersBefore + 1),
    );
    expect((await api().get(`/api/orders/${placed.body.id}`)).body.status).toBe('CANCELLED');
    expect(subject.probe.eventsOfType('order.status.updated', placed.body.id)).toHaveLength(1);
  });

  it('then an order confirmed in time is not touched when its time comes', async () => {
    const place = async () =>
      (
        await api()
          .post('/api/orders')
          .send({ userId: newUser(), products: [{ productId: 'mouse', quantity: 1 }] })
          .expect(201)
      ).body;
    const confirmed = await place();
    await subject.probe.publish(inventoryStatusUpdatedEvent(confirmed.id, 'SUCCESS'));
    await eventually(async () =>
      expect((await api().get(`/api/orders/${confirmed.id}`)).body.status).toBe('CONFIRMED'),
    );
    // An order placed after it expires: the confirmed one's time has passed too.
    const later = await place();
    await eventually(
      async () =>
        expect((await api().get(`/api/orders/${later.id}`)).body.status).toBe('CANCELLED'),
      { timeoutMs: PENDING_TIMEOUT_MS * 4 },
    );
    expect((await api().get(`/api/orders/${confirmed.id}`)).body.status).toBe('CONFIRMED');
    expect(subject.probe.eventsOfType('order.status.updated', confirmed.id)).toHaveLength(1);
  });
});
