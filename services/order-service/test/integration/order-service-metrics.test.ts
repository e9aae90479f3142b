import {
  eventually,
  inventoryStatusUpdatedEvent,
  metricValue,
  ServiceUnderTest,
  TEST_ADMIN_TOKEN,
} from '@ecommerce/shared/testing';
import { orderServiceSettings } from '../../src/config';
import { startOrderService } from '../../src/start';
import { announcePrices } from '../support/price-list';

// What /metrics says while orders go through, fail into the dead-letter queue, and wait for a
// broker that is away: the counters count and the gauges follow.

let subject: ServiceUnderTest;

beforeAll(async () => {
  subject = await ServiceUnderTest.start({
    label: 'order-metrics',
    settings: orderServiceSettings,
    start: startOrderService,
    throughProxies: true,
  });
  await announcePrices(subject, { prod1: 10 });
});

afterAll(() => subject?.stop());

const api = () => subject.api();
const order = { userId: 'user-1', products: [{ productId: 'prod1', quantity: 1 }], totalPrice: 10 };

async function metric(name: string, labels: Record<string, string> = {}): Promise<number> {
  const response = await api().get('/metrics').expect(200);
  return metricValue(response.text, name, labels) ?? 0;
}

describe('when an order is placed and the inventory confirms it', () => {
  it('then its statuses, its completion time and the handling time are counted', async () => {
    const pendingBefore = await metric('order_status_changes_total', { status: 'PENDING' });
    const confirmedBefore = await metric('order_completion_duration_seconds_count', {
      status: 'CONFIRMED',
    });
    const { body } = await api().post('/api/orders').send(order).expect(201);
    expect(await metric('order_status_changes_total', { status: 'PENDING' })).toBe(
      pendingBefore + 1,
    );

    await subject.probe.publish(inventoryStatusUpdatedEvent(body.id, 'SUCCESS'));
    await eventually(async () => {
      expect(await metric('order_completion_duration_seconds_count', { status: 'CONFIRMED' })).toBe(
        confirmedBefore + 1,
      );
    });
    expect(await metric('order_status_changes_total', { status: 'CONFIRMED' })).toBeGreaterThan(0);
    expect(
      await metric('event_handling_duration_seconds_count', {
        event_type: 'inventory.status.updated',
      }),
    ).toBeGreaterThan(0);
  });

  it('then a cancellation is counted as CANCELLED, and a second one changes nothing', async () => {
    const { body } = await api().post('/api/orders').send(order).expect(201);
    const before = await metric('order_status_changes_total', { status: 'CANCELLED' });

    await api().delete(`/api/orders/${body.id}`).expect(200);
    await api().delete(`/api/orders/${body.id}`).expect(200); // idempotent: already CANCELLED

    expect(await metric('order_status_changes_total', { status: 'CANCELLED' })).toBe(before + 1);
  });
});

describe('when a message is dead-lettered and then discarded', () => {
  it('then dead_letter_queue_messages goes from 0 to 1 and back to 0', async () => {
    expect(await metric('dead_letter_queue_messages')).toBe(0);
    // The answer about an order that does not exist can never be handled.
    const poison = inventoryStatusUpdatedEvent('6f1d3c9e-0000-4000-8000-000000000000', 'SUCCESS');
    await subject.probe.publish(poison);
    await eventually(async () => expect(await metric('dead_letter_queue_messages')).toBe(1));

    await api()
      .post('/api/admin/dlq/discard')
      .set('Authorization', `Bearer ${TEST_ADMIN_TOKEN}`)
      .send({ eventIds: [poison.eventId] })
      .expect(200, { discarded: 1 });
    expect(await metric('dead_letter_queue_messages')).toBe(0);
  });
});

describe('when orders are placed while the broker is away', () => {
  afterEach(() => subject.proxies.rabbitmq.restore());

  it('then outbox_pending_events is above 0, and back to 0 once their events are out', async () => {
    expect(await metric('outbox_pending_events')).toBe(0);
    subject.proxies.rabbitmq.cut();
    await eventually(async () =>
      expect((await api().get('/api/health')).body.checks.rabbitmq).toBe('down'),
    );
    await api().post('/api/orders').send(order).expect(201);
    await api().post('/api/orders').send(order).expect(201);
    await eventually(async () => expect(await metric('outbox_pending_events')).toBe(2));

    subject.proxies.rabbitmq.restore();
    await eventually(async () => expect(await metric('outbox_pending_events')).toBe(0), {
      timeoutMs: 40_000,
    });
  });
});
