import { execFileSync } from 'node:child_process';
import { eventually, metricValue } from '@ecommerce/shared/testing';
import { call } from '../support/http';
import { SERVICES, System } from '../support/system';

/**
 * An order's expiry is kept by the order itself, PENDING in the database with its placement time,
 * so it survives a crash of the order service and a restart of RabbitMQ in the middle of its wait. This restarts the broker for everyone on the
 * machine, so it runs in the `serial` project, alone.
 */
const PENDING_TIMEOUT_MS = 20_000;

let system: System;

const rabbitmqctl = (...args: string[]) =>
  execFileSync('rabbitmqctl', args, { stdio: 'pipe', timeout: 60_000 }).toString();

beforeAll(async () => {
  system = await System.start('e2e-expiry-restarts', {
    env: { 'order-service': { ORDER_PENDING_TIMEOUT_MS: String(PENDING_TIMEOUT_MS) } },
  });
});

afterAll(async () => {
  rabbitmqctl('start_app'); // whatever happened, leave the broker as we found it
  await system?.stop();
});

describe('when the order service crashes and RabbitMQ restarts while an order waits for its expiry', () => {
  it('then the order still expires, once, after its due time, and nothing stays held', async () => {
    const productId = await system.createProduct(4);
    const inventory = system.services['inventory-service'];
    const orderService = system.services['order-service'];
    expect(await inventory.stop()).toBe(0);
    const placed = await call('POST', system.orders(), {
      body: { userId: 'expiry-restarts', products: [{ productId, quantity: 3 }] },
    });
    expect(placed.status).toBe(201);
    const dueAt = Date.parse(placed.body.createdAt) + PENDING_TIMEOUT_MS;
    // Its order.created is on the broker before the crash.
    await eventually(async () => {
      const metrics = await (await fetch(`${system.url('order-service')}/metrics`)).text();
      expect(metricValue(metrics, 'outbox_pending_events')).toBe(0);
    });

    expect(await orderService.stop('SIGKILL')).toBeNull();
    rabbitmqctl('stop_app');
    rabbitmqctl('start_app');
    rabbitmqctl('await_startup');
    await orderService.start();
    expect(Date.now()).toBeLessThan(dueAt); // the restarts happened during the wait

    const expired = await eventually(
      async () => {
        const { body } = await call('GET', system.orders(`/${placed.body.id}`));
        expect(body.status).toBe('CANCELLED');
        return body;
      },
      { timeoutMs: PENDING_TIMEOUT_MS + 30_000, intervalMs: 200 },
    );
    expect(expired.statusReason).toBe('Expired: not confirmed within 20 seconds');
    expect(Date.parse(expired.updatedAt)).toBeGreaterThanOrEqual(dueAt);
    // The inventory, back after the expiry, finds the cancellation: it holds nothing.
    await inventory.start();
    for (const name of SERVICES) {
      expect((await call('GET', `${system.url(name)}/api/health`)).status).toBe(200);
    }
    await eventually(async () => {
      const { body } = await call('GET', system.inventory(`/${productId}`));
      expect(body).toMatchObject({ available: 4, reserved: 0 });
    });
    await eventually(async () => {
      const { body } = await call('GET', system.notifications(`?orderId=${placed.body.id}`), {
        admin: true,
      });
      expect(body.items).toEqual([expect.objectContaining({ template: 'order_cancelled' })]);
    });
  });
});
