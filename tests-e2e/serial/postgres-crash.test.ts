import { eventually } from '@ecommerce/shared/testing';
import { postgresBackends } from '../../scripts/chaos/servers';
import { call } from '../support/http';
import { SERVICES, System } from '../support/system';

/**
 * PostgreSQL, under FerretDB, crashing while orders come in (a backend killed with SIGKILL: the
 * server ends every backend and recovers from its write-ahead log). Every order answered 201
 * must be there afterwards: FerretDB acknowledges a write only once its WAL is on disk. With
 * FERRETDB_UNSAFE_ASYNC_COMMIT=true it does not wait, and this test finds orders gone.
 *
 * The crash ends every connection to this machine's PostgreSQL, so this file runs alone, after
 * every other test (`npm test` runs the `serial` project last, in band).
 */
const CLIENTS = 8;
const CRASHES = 3;
const POSTGRES_DATABASE = new URL(
  process.env.FERRETDB_POSTGRESQL_URL ?? 'postgres://ferretdb:ferretdb@127.0.0.1:5432/ferretdb',
).pathname.slice(1);

let system: System;

jest.setTimeout(180_000);

beforeAll(async () => {
  // The services' own retry budget (about 15 s), not the tests' shorter one: a message whose
  // handling meets the crashes is retried past them, as in production.
  system = await System.start('e2e-postgres-crash', {
    env: Object.fromEntries(SERVICES.map((name) => [name, { RETRY_BASE_DELAY_MS: '1000' }])),
  });
});

afterAll(async () => {
  await system?.stop();
});

describe('when PostgreSQL crashes while orders are being placed', () => {
  it('then every order answered 201 still exists and reaches its final status', async () => {
    const productId = await system.createProduct(100_000);
    const accepted: string[] = [];
    let placing = true;
    const client = async (index: number) => {
      for (let sequence = 0; placing; sequence++) {
        const response = await call('POST', system.orders(), {
          body: {
            userId: `pg-crash-${index}-${sequence}`,
            products: [{ productId, quantity: 1 }],
            totalPrice: 1,
          },
          timeoutMs: 15_000,
        }).catch(() => undefined); // no answer during the crash: not an accepted order
        if (response?.status === 201) accepted.push(response.body.id);
        // A refusal (503 while PostgreSQL recovers) comes at once: no need to ask again at once.
        else await new Promise((resolve) => setTimeout(resolve, 50));
      }
    };
    const clients = Array.from({ length: CLIENTS }, (_, index) => client(index));

    try {
      for (let crash = 0; crash < CRASHES; crash++) {
        // Orders acknowledged just before each crash are the ones an asynchronous commit loses.
        const before = accepted.length;
        await eventually(() => expect(accepted.length).toBeGreaterThan(before + 50), {
          timeoutMs: 30_000,
        });
        const backends = postgresBackends(POSTGRES_DATABASE);
        expect(backends.length).toBeGreaterThan(0);
        process.kill(backends[0], 'SIGKILL');
      }
    } finally {
      placing = false;
      await Promise.all(clients);
    }

    for (const name of SERVICES) {
      await eventually(
        async () => expect((await call('GET', `${system.url(name)}/api/health`)).status).toBe(200),
        { timeoutMs: 30_000 },
      );
    }
    const missing: string[] = [];
    for (const id of accepted) {
      // 503 while the database is still recovering: ask again; 404 is an order lost.
      const { status } = await eventually(async () => {
        const response = await call('GET', system.orders(`/${id}`));
        expect(response.status).not.toBe(503);
        return response;
      });
      if (status === 404) missing.push(id);
      else expect(status).toBe(200);
    }
    expect({ accepted: accepted.length, missing }).toEqual({
      accepted: accepted.length,
      missing: [],
    });

    await eventually(
      async () => {
        const pending = await call('GET', system.orders('?status=PENDING'));
        const stuck = pending.body.items.map((order: { id: string }) => order.id);
        // What the services said about an order that stays PENDING: why it did not move.
        expect({
          stuck,
          logs: stuck.flatMap((id: string) => system.logLinesMentioning(id)),
        }).toEqual({
          stuck: [],
          logs: [],
        });
      },
      { timeoutMs: 60_000, intervalMs: 500 },
    );
    for (const name of SERVICES) {
      const deadLetters = await call('GET', `${system.url(name)}/api/admin/dlq`, { admin: true });
      expect({ name, deadLetters: deadLetters.body.items }).toEqual({ name, deadLetters: [] });
    }
  });
});
