import { execFileSync } from 'node:child_process';
import { eventually } from '@ecommerce/shared/testing';
import { call } from '../support/http';
import { SERVICES, System } from '../support/system';

/**
 * RabbitMQ itself stopped and started in the middle of the flow (`rabbitmqctl stop_app` /
 * `start_app`). This stops the broker for everyone on the machine, so this file runs alone,
 * after every other test (`npm test` runs the `serial` project last, in band).
 */
let system: System;

const rabbitmqctl = (...args: string[]) =>
  execFileSync('rabbitmqctl', args, { stdio: 'pipe', timeout: 60_000 }).toString();

beforeAll(async () => {
  system = await System.start('e2e-broker-restart');
});

afterAll(async () => {
  rabbitmqctl('start_app'); // whatever happened, leave the broker as we found it
  await system?.stop();
});

const orders = (path = '') => `${system.url('order-service')}/api/orders${path}`;

async function place(count: number, userId: string): Promise<string[]> {
  const responses = await Promise.all(
    Array.from({ length: count }, () =>
      call('POST', orders(), {
        body: { userId, products: [{ productId: 'prod1', quantity: 1 }] },
      }),
    ),
  );
  expect(responses.map((response) => response.status)).toEqual(Array(count).fill(201));
  return responses.map((response) => response.body.id);
}

describe('when RabbitMQ is stopped mid-flow and started again', () => {
  it('then every order accepted before, during and after reaches CONFIRMED and is notified once', async () => {
    const before = await place(10, 'broker-restart');
    rabbitmqctl('stop_app');

    for (const name of SERVICES) {
      await eventually(async () => {
        const health = await call('GET', `${system.url(name)}/api/health`);
        expect(health.status).toBe(503);
        expect(health.body.checks.rabbitmq).toBe('down');
      });
    }
    const during = await place(5, 'broker-restart');

    rabbitmqctl('start_app');
    rabbitmqctl('await_startup');
    for (const name of SERVICES) {
      await eventually(
        async () => expect((await call('GET', `${system.url(name)}/api/health`)).status).toBe(200),
        { timeoutMs: 30_000 },
      );
    }
    const after = await place(5, 'broker-restart');

    for (const id of [...before, ...during, ...after]) {
      await eventually(
        async () => expect((await call('GET', orders(`/${id}`))).body.status).toBe('CONFIRMED'),
        { timeoutMs: 45_000, intervalMs: 200 },
      );
      await eventually(async () => {
        const { body } = await call(
          'GET',
          `${system.url('notification-service')}/api/notifications?orderId=${id}`,
          { admin: true },
        );
        expect(body.items).toHaveLength(1);
      });
    }
  });
});
