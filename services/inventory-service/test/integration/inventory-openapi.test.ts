import type { OpenApiDocument } from '@ecommerce/shared';
import {
  ADMIN,
  ApiConformance,
  duringOutage,
  exerciseHostRoutes,
  exerciseShutdown,
  LATIN1_JSON,
  servedApiDocumentProblems,
  ServiceUnderTest,
} from '@ecommerce/shared/testing';
import { inventoryServiceSettings } from '../../src/config';
import { inventoryApiDocument } from '../../src/entry-points/api/inventory-openapi';
import { startInventoryService } from '../../src/start';

// The inventory service's API document against the service itself: its routes, and real answers
// checked against the documented schemas, one of each documented status at least.

let subject: ServiceUnderTest;
let served: OpenApiDocument;

beforeAll(async () => {
  subject = await ServiceUnderTest.start({
    label: 'inventory-openapi',
    settings: inventoryServiceSettings,
    start: startInventoryService,
    throughProxies: true,
  });
  served = (await subject.api().get('/api/openapi.json').expect(200)).body;
});

afterAll(() => subject?.stop());

const api = () => subject.api();

describe('when the API document and the routes are looked at', () => {
  it('then the served document is the one built from the routes, with Swagger UI, and the admin routes alone under the bearer scheme', async () => {
    expect(
      await servedApiDocumentProblems(subject, inventoryApiDocument, [
        'POST /api/inventory/{id}',
        'PATCH /api/inventory/{id}',
      ]),
    ).toEqual([]);
  });

  it('then the check names what differs: another document, other secured routes', async () => {
    expect(
      await servedApiDocumentProblems(
        subject,
        { ...inventoryApiDocument, info: { ...inventoryApiDocument.info, title: 'another' } },
        [],
      ),
    ).toEqual([
      expect.stringMatching(/^it is the document built from the routes: /),
      expect.stringMatching(/^routes under the bearer scheme: /),
    ]);
  });
});

describe('when real requests are answered', () => {
  // One record of the answers seen, over the tests below in their order; the last one requires
  // every documented answer to have occurred.
  let conformance: ApiConformance;
  const check: ApiConformance['check'] = (test, status) => conformance.check(test, status);
  const setStock = (productId: string) => api().post(`/api/inventory/${productId}`).set(ADMIN);
  const revise = (productId: string) => api().patch(`/api/inventory/${productId}`).set(ADMIN);

  beforeAll(() => {
    conformance = new ApiConformance(served);
  });

  it('then reading the inventory answers as documented', async () => {
    const inventory = await check(api().get('/api/inventory'), 200);
    expect(inventory.body.items.map((product: { productId: string }) => product.productId)).toEqual(
      expect.arrayContaining(['prod1', 'prod2']),
    );
    const totals = await check(api().get('/api/inventory?include=totals&search=prod'), 200);
    expect(totals.body).toMatchObject({ total: 5, totalProducts: 5 });
    await check(api().get('/api/inventory?offset=-1'), 400);
    expect((await check(api().get('/api/inventory/prod1'), 200)).body.available).toBeGreaterThan(0);
    await check(api().get('/api/inventory/no-such-product'), 404);
    await check(api().get('/api/inventory/not%20an%20id'), 400);
    const undecodable = await check(api().get('/api/inventory/%E0%A4%A'), 400);
    expect(undecodable.body.error.code).toBe('BAD_REQUEST');
  });

  it('then setting stock answers as documented: 201 for a new product, 200 after', async () => {
    const created = await check(setStock('openapi-1').send({ quantity: 5, price: 4.5 }), 201);
    expect(created.body).toMatchObject({ productId: 'openapi-1', name: 'openapi-1', available: 5 });
    const updated = await check(setStock('openapi-1').send({ quantity: 7, name: 'Cable' }), 200);
    expect(updated.body).toMatchObject({ name: 'Cable', available: 7, reserved: 0, price: 4.5 });
    const priceless = await check(setStock('openapi-priceless').send({ quantity: 1 }), 400);
    expect(priceless.body.error.code).toBe('PRICE_REQUIRED');
  });

  it('then revising a product answers as documented', async () => {
    const revised = await check(revise('openapi-1').send({ price: 5 }), 200);
    expect(revised.body).toMatchObject({ price: 5, available: 7 });
    await check(revise('openapi-unknown').send({ price: 5 }), 404);
    await check(revise('openapi-1').send({ price: 5.001 }), 400);
    await check(revise('not$an-id').send({ price: 5 }), 400);
    await check(revise('openapi-1').set('content-type', 'application/json').send('{'), 400);
    await check(api().patch('/api/inventory/openapi-1').send({ price: 1 }), 401);
    await check(revise('openapi-1').send({ name: 'x'.repeat(110_000) }), 413);
    await check(revise('openapi-1').set('content-type', LATIN1_JSON).send('{"price":1}'), 415);
    expect((await check(api().get('/api/inventory/openapi-1'), 200)).body.price).toBe(5);
  });

  it('then bad input to POST /api/inventory/:id is a documented 4xx, and changes nothing', async () => {
    for (const body of [{ quantity: -1 }, { quantity: '5' }, { quantity: 1, $set: { x: 1 } }, {}]) {
      expect((await check(setStock('openapi-1').send(body), 400)).body.error.code).toBe(
        'VALIDATION_ERROR',
      );
    }
    await check(setStock('openapi-1'), 400);
    await check(setStock('not$an-id').send({ quantity: 1 }), 400);
    await check(setStock('openapi-1').set('content-type', 'application/json').send('{'), 400);
    await check(api().post('/api/inventory/openapi-1').send({ quantity: 1 }), 401);
    await check(
      api().post('/api/inventory/openapi-1').set('Authorization', 'Bearer nope').send({}),
      401,
    );
    await check(setStock('openapi-1').send({ quantity: 1, name: 'x'.repeat(110_000) }), 413);
    await check(setStock('openapi-1').set('content-type', LATIN1_JSON).send('{"quantity":1}'), 415);
    expect((await check(api().get('/api/inventory/openapi-1'), 200)).body.available).toBe(7);
  });

  it('then health and the dead-letter routes answer as documented', async () => {
    await exerciseHostRoutes(subject, conformance, 'order.created');
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
    // Ids the service has not seen: it may answer for products it holds in memory.
    await duringOutage(subject, conformance, 'database', async () => {
      for (const request of [
        api().get('/api/inventory'),
        api().get('/api/inventory/openapi-unseen'),
        setStock('openapi-unseen').send({ quantity: 1, price: 1 }),
        revise('openapi-unseen').send({ price: 1 }),
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
