import { eventually } from '@ecommerce/shared/testing';
import { call } from './support/http';
import type { ServiceName } from './support/system';
import { System } from './support/system';

/**
 * Services stopped in the middle of the flow, brutally (SIGKILL) or politely (SIGTERM): once
 * they are back, every order reaches a final status and the stock adds up.
 */
let system: System;

beforeAll(async () => {
  system = await System.start('e2e-crash');
});

afterAll(async () => {
  await system?.stop();
});

async function placeOrders(productId: string, count: number, userId: string): Promise<string[]> {
  const responses = await Promise.all(
    Array.from({ length: count }, () =>
      call('POST', system.orders(), {
        body: { userId, products: [{ productId, quantity: 1 }], totalPrice: 1 },
      }),
    ),
  );
  expect(responses.map((response) => response.status)).toEqual(Array(count).fill(201));
  return responses.map((response) => response.body.id);
}

/** Every order final, and the product's stock equal to what the confirmed ones took. */
async function expectSettled(productId: string, initial: number, orderIds: string[]) {
  const finals = await eventually(
    async () => {
      const statuses = await Promise.all(
        orderIds.map(async (id) => (await call('GET', system.orders(`/${id}`))).body.status),
      );
      expect(statuses.filter((status) => status === 'PENDING')).toEqual([]);
      return statuses;
    },
    { timeoutMs: 45_000, intervalMs: 200 },
  );
  const confirmed = finals.filter((status) => status === 'CONFIRMED').length;
  expect(confirmed).toBe(Math.min(initial, orderIds.length));
  await eventually(async () =>
    expect((await call('GET', system.inventory(`/${productId}`))).body).toMatchObject({
      available: initial - confirmed,
      reserved: 0,
    }),
  );
}

describe.each<ServiceName>(['inventory-service', 'order-service', 'notification-service'])(
  'when %s is killed with SIGKILL mid-flow and started again',
  (name) => {
    it('then every order ends CONFIRMED or CANCELLED and the stock adds up', async () => {
      const productId = await system.createProduct(8);
      const orderIds = await placeOrders(productId, 12, `killed-${name}`);
      await system.services[name].stop('SIGKILL');
      await system.services[name].start();

      await expectSettled(productId, 8, orderIds);
    });
  },
);

describe('when a service gets SIGTERM mid-flow', () => {
  it('then it finishes what it holds, exits 0 within 10 s, and nothing is lost', async () => {
    const productId = await system.createProduct(10);
    const orderIds = await placeOrders(productId, 10, 'sigterm');

    const started = Date.now();
    expect(await system.services['inventory-service'].stop('SIGTERM')).toBe(0);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(await system.services['order-service'].stop('SIGTERM')).toBe(0);

    await system.services['inventory-service'].start();
    await system.services['order-service'].start();
    await expectSettled(productId, 10, orderIds);
  });
});
