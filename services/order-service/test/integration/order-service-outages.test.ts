import {
  eventually,
  inventoryStatusUpdatedEvent,
  ServiceUnderTest,
} from '@ecommerce/shared/testing';
import { orderServiceSettings } from '../../src/config';
import { startOrderService } from '../../src/start';
import { announcePrices } from '../support/price-list';

// The order service between its servers and proxies that the tests cut: RabbitMQ or the
// database vanish for this service only, while the probe (connected directly) keeps watching.

let subject: ServiceUnderTest;

beforeAll(async () => {
  subject = await ServiceUnderTest.start({
    label: 'order-outages',
    settings: orderServiceSettings,
    start: startOrderService,
    throughProxies: true,
  });
  await announcePrices(subject, { prod1: 10 });
});

afterAll(() => subject?.stop());

const api = () => subject.api();
const order = { userId: 'user-1', products: [{ productId: 'prod1', quantity: 1 }], totalPrice: 10 };

/** Health as expected, within the time a reconnect can take on a loaded machine. */
async function healthIs(status: number, checks: Record<string, string>): Promise<void> {
  await eventually(
    async () => {
      const response = await api().get('/api/health');
      expect(response.status).toBe(status);
      expect(response.body.checks).toMatchObject(checks);
    },
    { timeoutMs: 40_000, intervalMs: 100 },
  );
}

describe('when RabbitMQ goes away', () => {
  afterEach(() => subject.proxies.rabbitmq.restore());

  it('then health says degraded, orders are still accepted, and their events go out once it is back', async () => {
    subject.proxies.rabbitmq.cut();
    await healthIs(503, { rabbitmq: 'down', mongodb: 'up' });
    expect((await api().get('/api/health')).body.status).toBe('degraded');

    const accepted = await api().post('/api/orders').send(order).expect(201);
    const orderId: string = accepted.body.id;
    expect(subject.probe.eventsOfType('order.created', orderId)).toHaveLength(0);

    subject.proxies.rabbitmq.restore();
    await healthIs(200, { rabbitmq: 'up' });
    await subject.probe.waitFor(
      (e) => e.eventType === 'order.created' && e.aggregateId === orderId,
    );

    // Consuming resumed too: the inventory's answer confirms the order.
    await subject.probe.publish(inventoryStatusUpdatedEvent(orderId, 'SUCCESS'));
    await eventually(async () =>
      expect((await api().get(`/api/orders/${orderId}`)).body.status).toBe('CONFIRMED'),
    );
  });

  it('then a blip in the middle of the flow loses no event', async () => {
    const orderIds: string[] = [];
    for (let i = 0; i < 5; i++) {
      orderIds.push((await api().post('/api/orders').send(order).expect(201)).body.id);
      if (i === 2) subject.proxies.rabbitmq.cut();
    }
    subject.proxies.rabbitmq.restore();
    for (const orderId of orderIds) {
      await subject.probe.waitFor(
        (e) => e.eventType === 'order.created' && e.aggregateId === orderId,
      );
    }
  });
});

describe('when the database goes away', () => {
  afterEach(() => subject.proxies.database.restore());

  it('then health says degraded, requests get 503 not 500, and events wait in the broker until it is back', async () => {
    const { id: orderId } = (await api().post('/api/orders').send(order).expect(201)).body;
    await subject.probe.waitFor(
      (e) => e.eventType === 'order.created' && e.aggregateId === orderId,
    );

    subject.proxies.database.cut();
    await healthIs(503, { mongodb: 'down', rabbitmq: 'up' });
    const refused = await api().post('/api/orders').send(order);
    expect(refused.status).toBe(503);
    expect(refused.body.error.code).toBe('DATABASE_UNAVAILABLE');

    // The answer arrives while the database is down: it must not be retried into the DLQ.
    const settledBefore = await subject.eventsSettled('inventory.status.updated');
    await subject.probe.publish(inventoryStatusUpdatedEvent(orderId, 'SUCCESS'));

    subject.proxies.database.restore();
    await healthIs(200, { mongodb: 'up' });
    await eventually(async () =>
      expect((await api().get(`/api/orders/${orderId}`)).body.status).toBe('CONFIRMED'),
    );
    expect((await subject.service.bus.deadLetterQueue.list(10, 0)).total).toBe(0);
    expect((await subject.eventsSettled('inventory.status.updated')) - settledBefore).toBe(1);
  });
});
