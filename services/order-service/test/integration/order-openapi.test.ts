import type { OpenApiDocument } from '@ecommerce/shared';
import {
  ADMIN,
  ApiConformance,
  duringOutage,
  eventually,
  exerciseHostRoutes,
  exerciseShutdown,
  inventoryStatusUpdatedEvent,
  LATIN1_JSON,
  servedApiDocumentProblems,
  ServiceUnderTest,
} from '@ecommerce/shared/testing';
import { orderServiceSettings } from '../../src/config';
import { orderApiDocument } from '../../src/entry-points/api/order-openapi';
import { startOrderService } from '../../src/start';
import { announcePrices } from '../support/price-list';

// The order service's API document against the service itself: its routes, and real answers
// checked against the documented schemas, one of each documented status at least.

const order = {
  userId: 'user-openapi',
  products: [{ productId: 'prod1', quantity: 2 }],
  totalPrice: 19.5,
  contact: { email: 'ada@example.com', phone: '+4915112345678' },
};
const unknownId = '00000000-0000-4000-8000-000000000000';

let subject: ServiceUnderTest;
let served: OpenApiDocument;

beforeAll(async () => {
  subject = await ServiceUnderTest.start({
    label: 'order-openapi',
    settings: orderServiceSettings,
    start: startOrderService,
    throughProxies: true,
  });
  await announcePrices(subject, { prod1: 9.75 });
  served = (await subject.api().get('/api/openapi.json').expect(200)).body;
});

afterAll(() => subject?.stop());

const api = () => subject.api();

describe('when the API document and the routes are looked at', () => {
  it('then the served document is the one built from the routes, with Swagger UI, and the admin routes alone under the bearer scheme', async () => {
    expect(await servedApiDocumentProblems(subject, orderApiDocument, [])).toEqual([]);
  });
});

describe('when real requests are answered', () => {
  // One record of the answers seen, over the tests below in their order; the last one requires
  // every documented answer to have occurred.
  let conformance: ApiConformance;
  const check: ApiConformance['check'] = (test, status) => conformance.check(test, status);
  const post = () => api().post('/api/orders');
  let placed: { id: string };
  let confirmedId: string;

  beforeAll(() => {
    conformance = new ApiConformance(served);
  });

  it('then placing an order, with or without an idempotency key, answers as documented', async () => {
    placed = (await check(post().send(order), 201)).body;
    expect(placed).toMatchObject({ ...order, status: 'PENDING' });
    const key = `key-${placed.id}`;
    const first = (await check(post().set('Idempotency-Key', key).send(order), 201)).body;
    const again = (await check(post().set('Idempotency-Key', key).send(order), 200)).body;
    expect(again.id).toBe(first.id);
    confirmedId = first.id;
    const reused = await check(
      post()
        .set('Idempotency-Key', key)
        .send({ ...order, totalPrice: 1 }),
      409,
    );
    expect(reused.body.error.code).toBe('IDEMPOTENCY_KEY_REUSED');
    const stale = await check(post().send({ ...order, totalPrice: 19 }), 409);
    expect(stale.body.error).toMatchObject({
      code: 'PRICE_CHANGED',
      details: { totalPrice: 19.5, currency: 'EUR' },
    });
    const unknownProduct = await check(
      post().send({ ...order, products: [{ productId: 'not-in-the-list', quantity: 1 }] }),
      400,
    );
    expect(unknownProduct.body.error.code).toBe('UNKNOWN_PRODUCT');
  });

  it('then bad input to POST /api/orders is a documented 4xx', async () => {
    const invalid = await check(post().send({ ...order, products: [], totalPrice: '1' }), 400);
    expect(invalid.body.error.code).toBe('VALIDATION_ERROR');
    expect(invalid.body.error.details.map((detail: { path: string }) => detail.path)).toEqual([
      'products',
      'totalPrice',
    ]);
    await check(post().send({ ...order, userId: { $gt: '' } }), 400);
    await check(post().set('Idempotency-Key', 'with space').send(order), 400);
    await check(post(), 400);
    const malformed = await check(post().set('content-type', 'application/json').send('{"a'), 400);
    expect(malformed.body.error.code).toBe('INVALID_JSON');
    await check(post().send({ ...order, userId: 'x'.repeat(110_000) }), 413);
    await check(post().set('content-type', LATIN1_JSON).send(JSON.stringify(order)), 415);
  });

  it('then listing and reading orders answer as documented', async () => {
    const page = await check(api().get(`/api/orders?userId=${order.userId}&limit=2`), 200);
    expect(page.body).toMatchObject({ total: 2, limit: 2, offset: 0 });
    await check(api().get('/api/orders?status=SHIPPED'), 400);
    await check(api().get('/api/orders?limit=0&userId[$ne]=x'), 400);
    await check(api().get(`/api/orders/${placed.id}`), 200);
    await check(api().get('/api/orders/not-a-uuid'), 400);
    const undecodable = await check(api().get('/api/orders/%E0%A4%A'), 400);
    expect(undecodable.body.error.code).toBe('BAD_REQUEST');
    await check(api().get(`/api/orders/${unknownId}`), 404);
    const history = await check(api().get(`/api/orders/${placed.id}/history`), 200);
    expect(history.body.items).toHaveLength(1);
    await check(api().get(`/api/orders/${unknownId}/history`), 404);
    await check(api().get('/api/orders/not-a-uuid/history'), 400);
  });

  it('then the price list answers as documented', async () => {
    const list = await check(api().get('/api/prices?search=prod'), 200);
    expect(list.body.items).toEqual([
      expect.objectContaining({ productId: 'prod1', price: 9.75, currency: 'EUR' }),
    ]);
    await check(api().get('/api/prices?limit=0'), 400);
    await check(api().get('/api/prices/prod1'), 200);
    await check(api().get('/api/prices/not-in-the-list'), 404);
    await check(api().get('/api/prices/not$valid'), 400);
  });

  it('then cancelling answers as documented, a CONFIRMED order with 409', async () => {
    const cancelled = await check(api().delete(`/api/orders/${placed.id}`), 200);
    expect(cancelled.body.status).toBe('CANCELLED');
    await check(api().delete(`/api/orders/${unknownId}`), 404);
    await check(api().delete('/api/orders/1'), 400);
    await subject.probe.publish(inventoryStatusUpdatedEvent(confirmedId, 'SUCCESS'));
    await eventually(async () =>
      expect((await api().get(`/api/orders/${confirmedId}`)).body.status).toBe('CONFIRMED'),
    );
    const refused = await check(api().delete(`/api/orders/${confirmedId}`), 409);
    expect(refused.body.error).toEqual({
      code: 'ORDER_NOT_CANCELLABLE',
      message: 'Cannot cancel confirmed order',
    });
    expect((await check(api().get(`/api/orders/${confirmedId}`), 200)).body.status).toBe(
      'CONFIRMED',
    );
  });

  it('then health and the dead-letter routes answer as documented', async () => {
    await exerciseHostRoutes(subject, conformance, 'inventory.status.updated');
  });

  it('then without RabbitMQ, health and the dead-letter moves are a documented 503', async () => {
    await duringOutage(subject, conformance, 'rabbitmq', async () => {
      await check(api().post('/api/admin/dlq/replay').set(ADMIN).send({}), 503);
      await check(
        api()
          .post('/api/admin/dlq/discard')
          .set(ADMIN)
          .send({ eventIds: ['x'] }),
        503,
      );
    });
  });

  it('then without the database, its routes are a documented 503 DATABASE_UNAVAILABLE', async () => {
    // Ids the service has not seen: it may answer for orders it holds in memory.
    await duringOutage(subject, conformance, 'database', async () => {
      for (const request of [
        post().send(order),
        api().get('/api/orders'),
        api().get(`/api/orders/${unknownId}`),
        api().get(`/api/orders/${unknownId}/history`),
        api().delete(`/api/orders/${unknownId}`),
        api().get('/api/prices'),
        api().get('/api/prices/never-seen'),
        api().get('/api/admin/dlq').set(ADMIN),
      ]) {
        expect((await check(request, 503)).body.error.code).toBe('DATABASE_UNAVAILABLE');
      }
    });
  });

  it('then while shutting down every route is a documented 503 SHUTTING_DOWN', async () => {
    await exerciseShutdown(subject, conformance);
  });

  it('then every documented answer occurred', () => {
    expect(conformance.unexercised()).toEqual([]);
  });
});
