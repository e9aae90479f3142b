import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { eventually, management } from '@ecommerce/shared/testing';
import { call } from './support/http';
import type { ServiceName, ServiceProcess } from './support/system';
import { SERVICES, System } from './support/system';

/**
 * Two instances of each service, competing for its queue (on FerretDB the inventory's is a
 * single active consumer: one consumes, the other stands by). Orders arrive at a steady rate,
 * spread over the order service's instances as a load balancer would, while one instance of each
 * service is killed (SIGKILL) and started again.
 */
const ORDERS = 300;
const RATE_PER_SECOND = 25;
const PRODUCTS = 10;
const STOCK = 40;
const KILL_AT_ORDER = 75;
const RESTART_AT_ORDER = 150;

let system: System;

beforeAll(async () => {
  system = await System.start('e2e-replicas', { replicas: 2 });
}, 120_000);

afterAll(async () => {
  await system?.stop();
});

/** Each order's correlation id, which every log line about it carries. */
const correlationIds = new Map<string, string>();

/**
 * Places one order through the instances in turn; a refused connection (a killed instance) goes
 * to the next, with the same Idempotency-Key, so a retry never places a second order.
 */
async function place(userId: string, productId: string, turn: number): Promise<string> {
  const key = randomUUID();
  const orderServices = system.instances['order-service'];
  return eventually(
    async () => {
      const instance = orderServices[turn++ % orderServices.length];
      const placed = await call('POST', `${instance.url}/api/orders`, {
        headers: { 'idempotency-key': key, 'x-correlation-id': key },
        body: { userId, products: [{ productId, quantity: 1 }], totalPrice: 1 },
      });
      expect([200, 201]).toContain(placed.status);
      correlationIds.set(placed.body.id as string, key);
      return placed.body.id as string;
    },
    { timeoutMs: 30_000, intervalMs: 20 },
  );
}

/** Waits for every order to leave PENDING; a failure names the first one left, and its log lines. */
async function untilFinal(orderIds: string[]): Promise<Map<string, string>> {
  const statuses = new Map<string, string>();
  let pending: string | undefined;
  try {
    await eventually(
      async () => {
        for (const orderId of orderIds) {
          if (statuses.has(orderId)) continue;
          const { body } = await call('GET', system.orders(`/${orderId}`));
          pending = orderId;
          if (body.status === 'PENDING') throw new Error(`${orderId} is still PENDING`);
          statuses.set(orderId, body.status);
        }
      },
      { timeoutMs: 120_000, intervalMs: 500 },
    );
  } catch (error) {
    const correlationId = pending && correlationIds.get(pending);
    const lines = correlationId ? system.logLinesMentioning(correlationId) : [];
    throw new Error(`${(error as Error).message}; its log lines:\n${lines.join('\n')}`);
  }
  return statuses;
}

const firstInstanceOf = (name: ServiceName): ServiceProcess => system.instances[name][0];

describe('when each service runs twice and one instance of each is killed mid-flow', () => {
  it('then every order is final, the stock is exact, each order is notified once, and no message is dead-lettered', async () => {
    const products = [];
    for (let i = 0; i < PRODUCTS; i++) products.push(await system.createProduct(STOCK));
    const userId = `replicas-${system.env.runId}`;

    const placing: Promise<string>[] = [];
    const started = performance.now();
    for (let i = 0; i < ORDERS; i++) {
      const due = started + (i * 1000) / RATE_PER_SECOND;
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, due - performance.now())));
      if (i === KILL_AT_ORDER) {
        await Promise.all(SERVICES.map((name) => firstInstanceOf(name).stop('SIGKILL')));
      }
      if (i === RESTART_AT_ORDER) {
        await Promise.all(SERVICES.map((name) => firstInstanceOf(name).start()));
      }
      placing.push(place(userId, products[i % PRODUCTS], i));
    }
    const orderIds = await Promise.all(placing);
    expect(new Set(orderIds).size).toBe(ORDERS);

    const statuses = await untilFinal(orderIds);
    expect([...statuses.values()].filter((status) => status === 'CONFIRMED')).toHaveLength(ORDERS);

    const ordersPerProduct = ORDERS / PRODUCTS;
    for (const productId of products) {
      await eventually(async () => {
        const { body } = await call('GET', system.inventory(`/${productId}`));
        expect(body).toMatchObject({ available: STOCK - ordersPerProduct, reserved: 0 });
      });
    }

    await eventually(
      async () => {
        const { body } = await call(
          'GET',
          system.notifications(`?recipient=${encodeURIComponent(userId)}&limit=1`),
          { admin: true },
        );
        expect(body.total).toBe(ORDERS); // one per order: no contact, so the `log` channel
      },
      { timeoutMs: 60_000, intervalMs: 500 },
    );

    for (const instance of system.allInstances()) {
      const { body } = await call('GET', `${instance.url}/api/admin/dlq`, { admin: true });
      expect(body.total).toBe(0);
    }
  }, 240_000);

  it('then the inventory standby takes over when the active instance dies', async () => {
    // On FerretDB the inventory queue has one active consumer of the two (the management
    // API's figures lag by a few seconds).
    await eventually(async () => {
      const queue = (await management(
        'GET',
        `/api/queues/${encodeURIComponent(system.env.vhost)}/inventory-service`,
      )) as { arguments: Record<string, unknown>; consumers?: number };
      expect(queue.arguments['x-single-active-consumer']).toBe(true);
      expect(queue.consumers).toBe(2);
    });

    const productId = await system.createProduct(10);
    const takeovers: number[] = [];
    // Whichever instance is active, one of the two kills hits it.
    for (const instance of system.instances['inventory-service']) {
      await instance.stop('SIGKILL');
      const killed = performance.now();
      const orderId = await place(`takeover-${system.env.runId}`, productId, 0);
      await eventually(
        async () =>
          expect((await call('GET', system.orders(`/${orderId}`))).body.status).toBe('CONFIRMED'),
        { timeoutMs: 30_000, intervalMs: 20 },
      );
      takeovers.push(performance.now() - killed);
      await instance.start();
    }
    process.stdout.write(
      `Inventory instance killed → an order placed then CONFIRMED after: ${takeovers.map((ms) => `${ms.toFixed(0)} ms`).join(', ')} (target 2 s)\n`,
    );
    for (const ms of takeovers) expect(ms).toBeLessThan(10_000);
  }, 120_000);
});
