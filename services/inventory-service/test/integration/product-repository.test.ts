import type { Connection } from 'mongoose';
import { connectDatabase, createLogger, KeyedMutex } from '@ecommerce/shared';
import type { TestEnvironment } from '@ecommerce/shared/testing';
import { createTestEnvironment } from '@ecommerce/shared/testing';
import { ProductRepository } from '../../src/data-access/product-repository';

// The stock steps against the real database, below the event handlers: each must be a no-op
// when repeated, whatever other orders hold the same product.

let env: TestEnvironment;
let db: Connection;
let products: ProductRepository;

beforeAll(async () => {
  env = await createTestEnvironment('product-repository');
  db = await connectDatabase(
    env.mongodbUri('inventory'),
    createLogger({ service: 'test', level: 'silent' }),
  );
  products = new ProductRepository(db, new KeyedMutex());
  await db.syncIndexes();
});

afterAll(async () => {
  await db?.close();
  await env?.dispose();
});

describe('when an order holds a product that other orders hold too', () => {
  it('then holding it again (a resumed reservation) takes nothing more', async () => {
    await products.setAvailable('shared-stock', 5, undefined);
    expect(await products.hold('shared-stock', 'order-a', 1)).toEqual({ held: true });
    expect(await products.hold('shared-stock', 'order-b', 2)).toEqual({ held: true });

    expect(await products.hold('shared-stock', 'order-a', 1)).toEqual({ held: true });
    expect(await products.hold('shared-stock', 'order-b', 2)).toEqual({ held: true });

    expect(await products.findById('shared-stock')).toMatchObject({ available: 2, reserved: 3 });
  });

  it('then releasing or committing twice gives back or takes out once', async () => {
    await products.setAvailable('twice', 4, undefined);
    await products.hold('twice', 'order-c', 1);
    await products.hold('twice', 'order-d', 2);

    await products.release('twice', 'order-c');
    await products.release('twice', 'order-c');
    await products.commit('twice', 'order-d');
    await products.commit('twice', 'order-d');

    expect(await products.findById('twice')).toMatchObject({ available: 2, reserved: 0 });
  });

  it('then a shortfall reports what is available and holds nothing', async () => {
    await products.setAvailable('scarce', 1, undefined);
    await products.hold('scarce', 'order-e', 1);
    expect(await products.hold('scarce', 'order-f', 1)).toEqual({ held: false, available: 0 });
    expect(await products.hold('no-such-product', 'order-f', 1)).toEqual({
      held: false,
      available: null,
    });
    expect(await products.findById('scarce')).toMatchObject({ available: 0, reserved: 1 });
  });
});
