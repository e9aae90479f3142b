import type { OpenApiDocument } from '@ecommerce/shared';
import {
  ADMIN,
  ApiConformance,
  duringOutage,
  eventually,
  exerciseHostRoutes,
  exerciseShutdown,
  LATIN1_JSON,
  servedApiDocumentProblems,
  ServiceUnderTest,
} from '@ecommerce/shared/testing';
import { notificationServiceSettings } from '../../src/config';
import { notificationApiDocument } from '../../src/entry-points/api/notification-openapi';
import { startNotificationService } from '../../src/start';
import { orderStatusUpdated, uniqueOrderId } from './notification-test-support';

// The notification service's API document against the service itself: its routes, and real
// answers checked against the documented schemas, one of each documented status at least.

/** The contract's example request: `order_confirmation` needs `orderId` and `total`. */
const exampleRequest = {
  type: 'email',
  recipient: 'ada@example.com',
  template: 'order_confirmation',
  variables: { orderId: 'ord-openapi-1', total: 99.99 },
};

let subject: ServiceUnderTest;
let served: OpenApiDocument;

beforeAll(async () => {
  subject = await ServiceUnderTest.start({
    label: 'notification-openapi',
    settings: notificationServiceSettings,
    start: (config) => startNotificationService(config),
    throughProxies: true,
  });
  served = (await subject.api().get('/api/openapi.json').expect(200)).body;
});

afterAll(() => subject?.stop());

const api = () => subject.api();

describe('when the API document and the routes are looked at', () => {
  it('then the served document is the one built from the routes, with Swagger UI, and the admin routes alone under the bearer scheme', async () => {
    expect(
      await servedApiDocumentProblems(subject, notificationApiDocument, [
        'GET /api/notifications',
        'POST /api/notifications',
      ]),
    ).toEqual([]);
  });
});

describe('when real requests are answered', () => {
  // One record of the answers seen, over the tests below in their order; the last one requires
  // every documented answer to have occurred.
  let conformance: ApiConformance;
  const check: ApiConformance['check'] = (test, status) => conformance.check(test, status);
  const send = () => api().post('/api/notifications').set(ADMIN);

  beforeAll(() => {
    conformance = new ApiConformance(served);
  });

  it('then sending a notification answers as documented', async () => {
    const email = await check(send().send(exampleRequest), 202);
    expect(email.body).toMatchObject({ type: 'email', status: 'SENT', attempts: 1 });
    const sms = { ...exampleRequest, type: 'sms', recipient: '+4915112345678' };
    expect((await check(send().send(sms), 202)).body.type).toBe('sms');
  });

  it('then bad input to POST /api/notifications is a documented 4xx', async () => {
    const missing = await check(
      send().send({ ...exampleRequest, variables: { orderId: 'o' } }),
      400,
    );
    expect(missing.body.error.code).toBe('MISSING_TEMPLATE_VARIABLE');
    const unknown = await check(send().send({ ...exampleRequest, template: 'no_such' }), 404);
    expect(unknown.body.error.code).toBe('TEMPLATE_NOT_FOUND');
    for (const body of [
      { ...exampleRequest, type: 'fax' },
      { ...exampleRequest, recipient: '+4915112345678' },
      { ...exampleRequest, variables: { $where: 'x' } },
      { ...exampleRequest, variables: { orderId: { nested: 1 }, total: 1 } },
    ]) {
      expect((await check(send().send(body), 400)).body.error.code).toBe('VALIDATION_ERROR');
    }
    await check(send(), 400);
    await check(send().set('content-type', 'application/json').send('[1,'), 400);
    await check(api().post('/api/notifications').send(exampleRequest), 401);
    await check(send().send({ ...exampleRequest, recipient: 'x'.repeat(110_000) }), 413);
    await check(send().set('content-type', LATIN1_JSON).send(JSON.stringify(exampleRequest)), 415);
  });

  it('then the records of an order, and the templates, answer as documented', async () => {
    const orderId = uniqueOrderId('openapi');
    await subject.probe.publish(
      orderStatusUpdated(orderId, 'CANCELLED', { reason: 'Out of stock' }),
    );
    const records = await eventually(async () => {
      const page = await check(api().get('/api/notifications').query({ orderId }).set(ADMIN), 200);
      expect(page.body.items).toHaveLength(1);
      return page.body;
    });
    expect(records.items[0]).toMatchObject({ type: 'log', orderId, orderStatus: 'CANCELLED' });
    const byRecipient = api().get('/api/notifications?recipient=ada@example.com&limit=1');
    expect((await check(byRecipient.set(ADMIN), 200)).body).toMatchObject({ limit: 1 });
    const sent = api().get('/api/notifications').query({ orderId, status: 'SENT' }).set(ADMIN);
    expect((await check(sent, 200)).body.total).toBe(1);
    const unsent = api().get('/api/notifications').query({ orderId, status: 'PENDING' }).set(ADMIN);
    expect((await check(unsent, 200)).body.total).toBe(0);
    await check(api().get('/api/notifications?status=LOST').set(ADMIN), 400);
    await check(api().get('/api/notifications?limit=0').set(ADMIN), 400);
    await check(api().get('/api/notifications?orderId[$ne]=x').set(ADMIN), 400);
    await check(api().get('/api/notifications'), 401);
    const templates = await check(api().get('/api/templates'), 200);
    expect(templates.body.map((template: { name: string }) => template.name)).toEqual(
      expect.arrayContaining(['order_confirmation', 'order_cancelled']),
    );
  });

  it('then health and the dead-letter routes answer as documented', async () => {
    await exerciseHostRoutes(subject, conformance, 'order.status.updated');
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

  it('then without the database, its routes are a documented 503 DATABASE_UNAVAILABLE, templates still 200', async () => {
    await duringOutage(subject, conformance, 'database', async () => {
      for (const request of [
        send().send(exampleRequest),
        api().get('/api/notifications').set(ADMIN),
        api().get('/api/admin/dlq').set(ADMIN),
      ]) {
        expect((await check(request, 503)).body.error.code).toBe('DATABASE_UNAVAILABLE');
      }
      // Served from memory: no 503 is documented for the templates but the one of shutting down.
      await check(api().get('/api/templates'), 200);
    });
  });

  it('then while shutting down every route is a documented 503 SHUTTING_DOWN', async () => {
    await exerciseShutdown(subject, conformance);
  });

  it('then every documented answer occurred', () => {
    expect(conformance.unexercised()).toEqual([]);
  });
});
