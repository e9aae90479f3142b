import {
  ADMIN,
  eventually,
  inventoryStatusUpdatedEvent,
  ServiceUnderTest,
} from '@ecommerce/shared/testing';
import { orderServiceSettings } from '../../src/config';
import { fingerprintOf } from '../../src/entry-points/api/order-routes';
import { startOrderService } from '../../src/start';
import { announcePrices } from '../support/price-list';

const laptopOrder = {
  userId: 'user-1',
  products: [{ productId: 'prod1', quantity: 1 }],
  totalPrice: 999.99,
  contact: { email: 'ada@example.com' },
};

let subject: ServiceUnderTest;

beforeAll(async () => {
  subject = await ServiceUnderTest.start({
    label: 'order-service',
    settings: orderServiceSettings,
    start: startOrderService,
    env: { MAX_ATTEMPTS: '3' },
  });
  await announcePrices(subject, { prod1: 999.99 });
});

afterAll(() => subject?.stop());

const api = () => subject.api();

async function placeOrder(body: object = laptopOrder): Promise<{ id: string }> {
  const response = await api().post('/api/orders').send(body).expect(201);
  return response.body;
}

const answersSettled = () => subject.eventsSettled('inventory.status.updated');

async function orderStatusOf(id: string): Promise<string> {
  return (await api().get(`/api/orders/${id}`).expect(200)).body.status;
}

describe('when an order is placed', () => {
  it('then it is stored PENDING and order.created is published with the request correlation id', async () => {
    const response = await api()
      .post('/api/orders')
      .set('x-correlation-id', 'corr-place-1')
      .send(laptopOrder)
      .expect(201);

    expect(response.headers['x-correlation-id']).toBe('corr-place-1');
    expect(response.body).toMatchObject({ ...laptopOrder, status: 'PENDING' });
    expect(response.body.id).toMatch(/^[0-9a-f-]{36}$/);
    await api().get(`/api/orders/${response.body.id}`).expect(200);

    const event = await subject.probe.waitFor(
      (e) => e.eventType === 'order.created' && e.aggregateId === response.body.id,
    );
    expect(event).toMatchObject({
      source: 'order-service',
      correlationId: 'corr-place-1',
      causationId: null,
      sequence: 1,
      schemaVersion: 1,
      data: {
        orderId: response.body.id,
        userId: 'user-1',
        products: [{ productId: 'prod1', quantity: 1, unitPrice: 999.99 }],
        totalPrice: 999.99,
        currency: 'EUR',
        contact: laptopOrder.contact,
      },
    });
    const message = subject.probe.messages.find((m) => m.properties.messageId === event.eventId);
    expect(message?.properties).toMatchObject({
      contentType: 'application/json',
      type: 'order.created',
      correlationId: 'corr-place-1',
      deliveryMode: 2,
    });
  });
});

describe('when the inventory answers', () => {
  it('then SUCCESS confirms the order and announces it as the next event in sequence', async () => {
    const { id } = await placeOrder();
    const answer = inventoryStatusUpdatedEvent(id, 'SUCCESS');
    await subject.probe.publish(answer);

    await eventually(async () => expect(await orderStatusOf(id)).toBe('CONFIRMED'));
    const event = await subject.probe.waitFor(
      (e) => e.eventType === 'order.status.updated' && e.aggregateId === id,
    );
    expect(event).toMatchObject({
      sequence: 2,
      correlationId: answer.correlationId,
      causationId: answer.eventId,
      data: {
        orderId: id,
        status: 'CONFIRMED',
        previousStatus: 'PENDING',
        totalPrice: 999.99,
        currency: 'EUR',
      },
    });
  });

  it('then FAILURE cancels the order with the inventory reason', async () => {
    const { id } = await placeOrder();
    const reason = 'Insufficient inventory for product prod2: requested 2, available 0';
    await subject.probe.publish(inventoryStatusUpdatedEvent(id, 'FAILURE', reason));

    await eventually(async () => {
      const order = (await api().get(`/api/orders/${id}`).expect(200)).body;
      expect(order).toMatchObject({ status: 'CANCELLED', statusReason: reason });
    });
    const event = await subject.probe.waitFor(
      (e) => e.eventType === 'order.status.updated' && e.aggregateId === id,
    );
    expect(event.data).toMatchObject({ status: 'CANCELLED', reason });
  });

  it('then the same answer delivered ten times changes the order once', async () => {
    const { id } = await placeOrder();
    const settledBefore = await answersSettled();
    const answer = inventoryStatusUpdatedEvent(id, 'SUCCESS');
    await Promise.all(Array.from({ length: 10 }, () => subject.probe.publish(answer)));
    // A second answer with a new event id for the same fact must not change anything either.
    await subject.probe.publish(inventoryStatusUpdatedEvent(id, 'FAILURE', 'late and wrong'));

    await eventually(async () => expect((await answersSettled()) - settledBefore).toBe(11));
    await subject.probe.waitFor(
      (e) => e.eventType === 'order.status.updated' && e.aggregateId === id,
    );
    expect(subject.probe.eventsOfType('order.status.updated', id)).toHaveLength(1);
    expect(await orderStatusOf(id)).toBe('CONFIRMED');
  });

  it('then an answer about an order that does not exist is dead-lettered at once', async () => {
    const answer = inventoryStatusUpdatedEvent('00000000-0000-4000-8000-000000000000', 'SUCCESS');
    await subject.probe.publish(answer);

    const listed = await eventually(async () => {
      const body = (await api().get('/api/admin/dlq').set(ADMIN).expect(200)).body;
      const item = body.items.find((i: { eventId: string }) => i.eventId === answer.eventId);
      expect(item).toBeDefined();
      return item;
    });
    expect(listed).toMatchObject({
      routingKey: 'inventory.status.updated',
      attempts: 1,
      error: expect.stringContaining('does not exist'),
    });
  });
});

describe('when a customer cancels', () => {
  it('then a PENDING order is CANCELLED and announced, and a second cancel changes nothing', async () => {
    const { id } = await placeOrder();
    const first = await api().delete(`/api/orders/${id}`).expect(200);
    expect(first.body).toMatchObject({
      id,
      status: 'CANCELLED',
      statusReason: 'Cancelled by customer',
    });
    const again = await api().delete(`/api/orders/${id}`).expect(200);
    expect(again.body).toEqual(first.body);

    const event = await subject.probe.waitFor(
      (e) => e.eventType === 'order.status.updated' && e.aggregateId === id,
    );
    expect(event).toMatchObject({
      sequence: 2,
      data: { status: 'CANCELLED', previousStatus: 'PENDING' },
    });
  });

  it('then a CONFIRMED order is refused with 409 ORDER_NOT_CANCELLABLE', async () => {
    const { id } = await placeOrder();
    await subject.probe.publish(inventoryStatusUpdatedEvent(id, 'SUCCESS'));
    await eventually(async () => expect(await orderStatusOf(id)).toBe('CONFIRMED'));

    const response = await api().delete(`/api/orders/${id}`).expect(409);
    expect(response.body).toEqual({
      error: { code: 'ORDER_NOT_CANCELLABLE', message: 'Cannot cancel confirmed order' },
    });
  });

  it('then an inventory SUCCESS arriving after the cancellation leaves the order CANCELLED', async () => {
    const { id } = await placeOrder();
    await api().delete(`/api/orders/${id}`).expect(200);
    const settledBefore = await answersSettled();
    await subject.probe.publish(inventoryStatusUpdatedEvent(id, 'SUCCESS'));

    await eventually(async () => expect((await answersSettled()) - settledBefore).toBe(1));
    await eventually(() =>
      expect(subject.probe.eventsOfType('order.status.updated', id)).toHaveLength(1),
    );
    expect(await orderStatusOf(id)).toBe('CANCELLED');
  });

  it('then an unknown order is 404 and a malformed id is 400', async () => {
    const unknown = await api()
      .delete('/api/orders/00000000-0000-4000-8000-000000000001')
      .expect(404);
    expect(unknown.body.error.code).toBe('ORDER_NOT_FOUND');
    const malformed = await api().delete('/api/orders/not-a-uuid').expect(400);
    expect(malformed.body.error.message).toContain('Order id must be a UUID');
  });
});

describe('when orders are listed', () => {
  it('then they are filtered by user and status, newest first, paginated', async () => {
    const userId = `lister-${Date.now()}`;
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await placeOrder({ ...laptopOrder, userId })).id);
    await api().delete(`/api/orders/${ids[0]}`).expect(200);

    const all = (await api().get('/api/orders').query({ userId }).expect(200)).body;
    expect(all).toMatchObject({ total: 3, totalIsExact: true, limit: 20, offset: 0 });
    expect(all.items.map((o: { id: string }) => o.id)).toEqual([...ids].reverse());

    const pending = (await api().get('/api/orders').query({ userId, status: 'PENDING' })).body;
    expect(pending.total).toBe(2);

    const page = (await api().get('/api/orders').query({ userId, limit: 1, offset: 1 })).body;
    expect(page.items.map((o: { id: string }) => o.id)).toEqual([ids[1]]);

    const capped = (await api().get('/api/orders').query({ userId, limit: 500 })).body;
    expect(capped.limit).toBe(100);
  });

  it.each([
    ['status=SHIPPED', 'status'],
    ['limit=0', 'limit'],
    ['offset=-1', 'offset'],
    ['userId[$ne]=x', 'userId[$ne]'],
    ['userId=a&userId=b', 'userId'],
  ])('then a bad query %s is a 400 naming %s', async (query, name) => {
    const response = await api().get(`/api/orders?${query}`).expect(400);
    expect(response.body.error.code).toBe('VALIDATION_ERROR');
    expect(response.body.error.message).toContain(name);
  });
});

describe('when the order request is bad', () => {
  const lines = (count: number) =>
    Array.from({ length: count }, (_, i) => ({ productId: `p${i}`, quantity: 1 }));

  it.each([
    ['no userId', { ...laptopOrder, userId: undefined }],
    ['userId as an operator', { ...laptopOrder, userId: { $ne: null } }],
    ['no products', { ...laptopOrder, products: [] }],
    ['quantity 0', { ...laptopOrder, products: [{ productId: 'prod1', quantity: 0 }] }],
    ['quantity 1001', { ...laptopOrder, products: [{ productId: 'prod1', quantity: 1001 }] }],
    ['quantity as a string', { ...laptopOrder, products: [{ productId: 'prod1', quantity: '1' }] }],
    ['fractional quantity', { ...laptopOrder, products: [{ productId: 'prod1', quantity: 1.5 }] }],
    ['51 lines', { ...laptopOrder, products: lines(51) }],
    [
      'a product twice',
      {
        ...laptopOrder,
        products: [
          { productId: 'prod1', quantity: 1 },
          { productId: 'prod1', quantity: 2 },
        ],
      },
    ],
    ['a malformed product id', { ...laptopOrder, products: [{ productId: 'a b', quantity: 1 }] }],
    ['negative total', { ...laptopOrder, totalPrice: -1 }],
    ['total as a string', { ...laptopOrder, totalPrice: '10' }],
    ['a phone that is not E.164', { ...laptopOrder, contact: { phone: '0612345678' } }],
    ['a bad email', { ...laptopOrder, contact: { email: 'not-an-email' } }],
    ['an unknown field', { ...laptopOrder, $where: 'sleep(1000)' }],
    ['an array body', [laptopOrder]],
  ])('then %s is a 400 and nothing is stored', async (_case, body) => {
    const before = (await api().get('/api/orders').expect(200)).body.total;
    const response = await api()
      .post('/api/orders')
      .send(body as object)
      .expect(400);
    expect(response.body.error.code).toBe('VALIDATION_ERROR');
    expect(response.body.error.message).toEqual(expect.any(String));
    expect((await api().get('/api/orders').expect(200)).body.total).toBe(before);
  });

  it('then malformed JSON is a 400 INVALID_JSON', async () => {
    const response = await api()
      .post('/api/orders')
      .set('content-type', 'application/json')
      .send('{"userId": ')
      .expect(400);
    expect(response.body.error.code).toBe('INVALID_JSON');
  });

  it('then a body over 100 kB is a 413', async () => {
    const response = await api()
      .post('/api/orders')
      .send({ ...laptopOrder, userId: 'x'.repeat(110_000) })
      .expect(413);
    expect(response.body.error.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('then an unknown route is a 404 in the error shape', async () => {
    const response = await api().get('/api/nothing-here').expect(404);
    expect(response.body.error).toMatchObject({ code: 'ROUTE_NOT_FOUND' });
  });
});

describe('when an Idempotency-Key is sent', () => {
  it('then the same key and body return the same order with 200, and another body is a 409', async () => {
    const key = `key-${Date.now()}`;
    const first = await api()
      .post('/api/orders')
      .set('Idempotency-Key', key)
      .send(laptopOrder)
      .expect(201);
    const { userId, products, totalPrice, contact } = laptopOrder;
    const reordered = { contact, totalPrice, products, userId };
    const second = await api()
      .post('/api/orders')
      .set('Idempotency-Key', key)
      .send(reordered)
      .expect(200);
    expect(second.body).toEqual(first.body);

    const other = await api()
      .post('/api/orders')
      .set('Idempotency-Key', key)
      .send({ ...laptopOrder, totalPrice: 1 })
      .expect(409);
    expect(other.body.error.code).toBe('IDEMPOTENCY_KEY_REUSED');
  });

  it('then concurrent requests with one key create one order and one event', async () => {
    const key = `race-${Date.now()}`;
    const userId = `racer-${Date.now()}`;
    const responses = await Promise.all(
      Array.from({ length: 8 }, () =>
        api()
          .post('/api/orders')
          .set('Idempotency-Key', key)
          .send({ ...laptopOrder, userId }),
      ),
    );
    expect(responses.map((r) => r.status).sort()).toEqual([200, 200, 200, 200, 200, 200, 200, 201]);
    expect(new Set(responses.map((r) => r.body.id)).size).toBe(1);
    expect((await api().get('/api/orders').query({ userId })).body.total).toBe(1);
    await subject.probe.waitFor(
      (e) => e.eventType === 'order.created' && e.aggregateId === responses[0].body.id,
    );
    expect(subject.probe.eventsOfType('order.created', responses[0].body.id)).toHaveLength(1);
  });

  it('then a request that fails validation stores no key', async () => {
    const key = `invalid-first-${Date.now()}`;
    await api().post('/api/orders').set('Idempotency-Key', key).send({ userId: 'u' }).expect(400);
    await api().post('/api/orders').set('Idempotency-Key', key).send(laptopOrder).expect(201);
  });
});

describe('when the dead-letter routes are called', () => {
  it('then they need the admin token', async () => {
    const missing = await api().get('/api/admin/dlq').expect(401);
    expect(missing.body.error.code).toBe('UNAUTHORIZED');
    await api().get('/api/admin/dlq').set('Authorization', 'Bearer wrong-token').expect(401);
    await api().post('/api/admin/dlq/replay').send({}).expect(401);
    await api()
      .post('/api/admin/dlq/discard')
      .send({ eventIds: ['x'] })
      .expect(401);
  });

  it('then discard needs event ids', async () => {
    const response = await api().post('/api/admin/dlq/discard').set(ADMIN).send({}).expect(400);
    expect(response.body.error.message).toContain('eventIds');
  });
});

describe('when health is asked', () => {
  it('then it reports the database and the broker up', async () => {
    const response = await api().get('/api/health').expect(200);
    expect(response.body).toMatchObject({
      status: 'ok',
      service: 'order-service',
      checks: { mongodb: 'up', rabbitmq: 'up' },
    });
    await api().get('/api/health/live').expect(200);
  });
});

describe('when the retention has passed', () => {
  it('then idempotency keys are pruned, and a reused key makes a new order', async () => {
    const key = `old-key-${Date.now()}`;
    const first = await api().post('/api/orders').set('Idempotency-Key', key).send(laptopOrder);
    expect(first.status).toBe(201);
    const answer = inventoryStatusUpdatedEvent(first.body.id, 'SUCCESS');
    await subject.probe.publish(answer);
    await eventually(async () => expect(await orderStatusOf(first.body.id)).toBe('CONFIRMED'));

    await subject.service.prune(new Date(Date.now() + 49 * 3_600_000)); // retention is 48 h

    const reused = await api().post('/api/orders').set('Idempotency-Key', key).send(laptopOrder);
    expect(reused.status).toBe(201);
    expect(reused.body.id).not.toBe(first.body.id);
  });

  it('then records inside the retention stay', async () => {
    const key = `fresh-key-${Date.now()}`;
    const first = await api().post('/api/orders').set('Idempotency-Key', key).send(laptopOrder);
    await subject.service.prune();
    const again = await api().post('/api/orders').set('Idempotency-Key', key).send(laptopOrder);
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(first.body.id);
  });
});

describe('when a crash came between claiming an Idempotency-Key and storing its order', () => {
  it('then the retried request creates that order, with the id the key was claimed for', async () => {
    const key = `crashed-${Date.now()}`;
    const claimedOrderId = '11111111-1111-4111-8111-111111111111';
    // What the first request left behind: the key, but no order.
    await subject.service.db.collection('idempotency_keys').insertOne({
      _id: key as never,
      orderId: claimedOrderId,
      requestFingerprint: fingerprintOf(laptopOrder),
      createdAt: new Date(),
    });

    const retried = await api().post('/api/orders').set('Idempotency-Key', key).send(laptopOrder);
    expect(retried.status).toBe(201);
    expect(retried.body.id).toBe(claimedOrderId);
    await subject.probe.waitFor(
      (e) => e.eventType === 'order.created' && e.aggregateId === claimedOrderId,
    );
  });
});
