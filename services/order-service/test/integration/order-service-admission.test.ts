import { once } from 'node:events';
import net from 'node:net';
import {
  BURST_QUIET_MS,
  eventually,
  inventoryStatusUpdatedEvent,
  metricValue,
  ServiceUnderTest,
} from '@ecommerce/shared/testing';
import { orderServiceSettings } from '../../src/config';
import { startOrderService } from '../../src/start';
import { announcePrices } from '../support/price-list';

// Admission control on the real service (its own HTTP server, RabbitMQ, the database), with tiny
// limits: one request in progress, one waiting, for WAIT_MS at most. The place is held by a
// client that sends half its order and the rest when told, as a slow client does: its request
// is admitted before its body is read.

const WAIT_MS = 3000;
const RETRY_AFTER = String(WAIT_MS / 1000);

const order = (userId: string) => ({
  userId,
  products: [{ productId: 'prod1', quantity: 1 }],
  totalPrice: 999.99,
});

let subject: ServiceUnderTest;
let base: string;

beforeAll(async () => {
  subject = await ServiceUnderTest.start({
    label: 'order-admission',
    settings: orderServiceSettings,
    start: startOrderService,
    env: {
      HTTP_MAX_REQUESTS_IN_PROGRESS: '1',
      HTTP_MAX_QUEUED_REQUESTS: '1',
      HTTP_MAX_QUEUE_WAIT_MS: String(WAIT_MS),
    },
  });
  await announcePrices(subject, { prod1: 999.99 });
  base = `http://127.0.0.1:${subject.service.port}`;
});

afterAll(() => subject?.stop());

/** Slow clients not finished yet: a failed test must not leave the place held for the next. */
const holders = new Set<{ finish: () => Promise<number> }>();

afterEach(async () => {
  await Promise.all([...holders].map((holder) => holder.finish()));
  await eventually(async () => expect(await admission()).toEqual({ inProgress: 0, queued: 0 }));
});

const placeOrder = (body: object, key?: string) =>
  fetch(`${base}/api/orders`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(key && { 'idempotency-key': key }) },
    body: JSON.stringify(body),
  });

async function admission() {
  const text = await (await fetch(`${base}/metrics`)).text();
  return {
    inProgress: metricValue(text, 'http_requests_in_progress'),
    queued: metricValue(text, 'http_requests_queued'),
  };
}

const stored = {
  orders: (userId: string) => subject.service.db.collection('orders').countDocuments({ userId }),
  status: async (orderId: string) =>
    (await subject.service.db.collection('orders').findOne({ _id: orderId as never }))?.status,
  keys: (key: string) =>
    subject.service.db.db!.collection<{ _id: string }>('idempotency_keys').countDocuments({
      _id: key,
    }),
};

/**
 * A POST /api/orders whose headers and first bytes are sent now, and the rest by `finish()`,
 * which resolves with the status of the answer. Until then its request holds its place.
 */
async function slowOrder(body: object): Promise<{ finish: () => Promise<number> }> {
  const text = JSON.stringify(body);
  const socket = net.connect(subject.service.port, '127.0.0.1');
  await once(socket, 'connect');
  let answer = '';
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => (answer += chunk));
  const closed = once(socket, 'close');
  socket.write(
    'POST /api/orders HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n' +
      `Content-Length: ${Buffer.byteLength(text)}\r\nConnection: close\r\n\r\n${text.slice(0, 10)}`,
  );
  await eventually(async () => expect((await admission()).inProgress).toBe(1));
  const holder = {
    finish: async () => {
      holders.delete(holder);
      socket.write(text.slice(10));
      await closed;
      return Number(/^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1]);
    },
  };
  holders.add(holder);
  return holder;
}

const overloaded = (message: RegExp) => ({
  error: { code: 'OVERLOADED', message: expect.stringMatching(message) },
});

describe('when more requests arrive than the service takes on at once', () => {
  it('then one beyond the full queue is answered 503 OVERLOADED at once, with Retry-After, and stores nothing; health answers meanwhile', async () => {
    const holder = await slowOrder(order('holder-1'));
    const waiting = placeOrder(order('waiting-1'));
    await eventually(async () => expect((await admission()).queued).toBe(1));

    const refused = await placeOrder(order('refused-1'), 'refused-key-1');
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe(RETRY_AFTER);
    expect(refused.headers.get('x-correlation-id')).toBeTruthy();
    expect(await refused.json()).toEqual(overloaded(/too many requests are waiting/));
    const health = await fetch(`${base}/api/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok' });

    expect(await holder.finish()).toBe(201);
    expect((await waiting).status).toBe(201);
    expect(await stored.orders('refused-1')).toBe(0);
    expect(await stored.keys('refused-key-1')).toBe(0);
    expect(await stored.orders('waiting-1')).toBe(1);
  });

  it('then one that waited longer than HTTP_MAX_QUEUE_WAIT_MS is answered 503 OVERLOADED with Retry-After, and stores nothing', async () => {
    const holder = await slowOrder(order('holder-2'));
    const startedAt = Date.now();

    const refused = await placeOrder(order('late-2'), 'late-key-2');
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(WAIT_MS - 50);
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe(RETRY_AFTER);
    expect(await refused.json()).toEqual(overloaded(/waited too long/));

    expect(await holder.finish()).toBe(201);
    expect(await stored.orders('late-2')).toBe(0);
    expect(await stored.keys('late-key-2')).toBe(0);
  });
});

describe('when a client retries after a 503 with the same Idempotency-Key', () => {
  it('then it gets exactly one order: 201 on the retry, the same order with 200 on the next', async () => {
    const holder = await slowOrder(order('holder-3'));
    const waiting = placeOrder(order('waiting-3'));
    await eventually(async () => expect((await admission()).queued).toBe(1));
    const key = `retry-key-${Date.now()}`;
    expect((await placeOrder(order('retrier-3'), key)).status).toBe(503);
    await holder.finish();
    await waiting;

    const retried = await placeOrder(order('retrier-3'), key);
    expect(retried.status).toBe(201);
    const placed = (await retried.json()) as { id: string };
    const again = await placeOrder(order('retrier-3'), key);
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ id: placed.id });
    expect(await stored.orders('retrier-3')).toBe(1);
    await subject.probe.waitFor(
      (e) => e.eventType === 'order.created' && e.aggregateId === placed.id,
    );
    expect(subject.probe.eventsOfType('order.created', placed.id)).toHaveLength(1);
  });
});

describe('when requests hold the places while the service stores a change', () => {
  /**
   * An order placed (its order.created out), then a place held by a slow client, then the order
   * confirmed: stored at once, its order.status.updated held back while the API is busy.
   */
  async function confirmedWhileHeld(userId: string) {
    const placed = (await (await placeOrder(order(userId))).json()) as { id: string };
    await subject.probe.waitFor(
      (e) => e.eventType === 'order.created' && e.aggregateId === placed.id,
    );
    const holder = await slowOrder(order(`holder-of-${userId}`));
    await subject.probe.publish(inventoryStatusUpdatedEvent(placed.id, 'SUCCESS'));
    await eventually(async () => expect(await stored.status(placed.id)).toBe('CONFIRMED'));
    return { orderId: placed.id, holder };
  }

  /** No order.status.updated of the order comes out for `ms` (a window of absence). */
  async function expectHeldBackFor(orderId: string, ms: number) {
    const until = Date.now() + ms;
    while (Date.now() < until) {
      expect(subject.probe.eventsOfType('order.status.updated', orderId)).toHaveLength(0);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  const statusUpdatePublished = (orderId: string) =>
    subject.probe.waitFor(
      (e) => e.eventType === 'order.status.updated' && e.aggregateId === orderId,
    );

  it('then the change is stored at once and its event published once they are answered', async () => {
    const { orderId, holder } = await confirmedWhileHeld('calm-4');
    // Held back while a request is in progress (the API is the foreground), WAIT_MS at most.
    await expectHeldBackFor(orderId, WAIT_MS / 3);
    expect(await holder.finish()).toBe(201);
    await statusUpdatePublished(orderId);
  });

  it('then, while new clients are still connecting when they are answered, the event waits until none came for BURST_QUIET_MS', async () => {
    const { orderId, holder } = await confirmedWhileHeld('crowd-5');
    // A crowd connecting (a new connection every 20 ms, well within BURST_QUIET_MS) before the
    // place frees up and after: the burst is not over, so the event stays back.
    const crowd: net.Socket[] = [];
    let connecting = true;
    const connector = (async () => {
      while (connecting) {
        const socket = net.connect(subject.service.port, '127.0.0.1');
        crowd.push(socket);
        await once(socket, 'connect');
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();
    try {
      await eventually(async () => expect(crowd.length).toBeGreaterThan(2));
      expect(await holder.finish()).toBe(201);
      await expectHeldBackFor(orderId, 8 * BURST_QUIET_MS);
    } finally {
      connecting = false;
      await connector;
      crowd.forEach((socket) => socket.destroy());
    }
    await statusUpdatePublished(orderId);
  });
});
