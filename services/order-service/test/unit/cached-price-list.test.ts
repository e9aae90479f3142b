import { InMemoryAggregates } from '@ecommerce/shared/testing';
import { CachedPriceList } from '../../src/data-access/cached-price-list';
import type { PriceListPort } from '../../src/domain/order-ports';
import type { ProductPrice } from '../../src/domain/product-price';

const at = new Date('2026-12-04T12:00:00Z');
const laptop: ProductPrice = {
  productId: 'laptop',
  name: 'Laptop',
  price: 999.99,
  currency: 'EUR',
  version: 1,
  createdAt: at,
  updatedAt: at,
};

/** A price list in memory that counts the reads orders make. */
function countingList() {
  const stored = new InMemoryAggregates<ProductPrice>([['laptop', laptop]]);
  const reads: string[][] = [];
  const list: PriceListPort = {
    findMany: async (ids) => {
      reads.push(ids);
      const found = await Promise.all(ids.map((id) => stored.read(id)));
      return new Map(
        found.flatMap((p): Array<[string, ProductPrice]> => (p ? [[p.productId, p]] : [])),
      );
    },
    findById: (id) => stored.read(id),
    create: (price) => stored.create(price.productId, price),
    update: (id, decide) => stored.update(id, decide),
    list: () => Promise.reject(new Error('not used')),
    isEmpty: async () => stored.states.size === 0,
  };
  return { list, stored, reads };
}

describe('CachedPriceList', () => {
  it('when prices are read within the TTL, then the database is read once; after it, again', async () => {
    const { list, reads } = countingList();
    let now = 0;
    const cached = new CachedPriceList(list, 1000, () => now);

    await cached.findMany(['laptop']);
    now = 999;
    expect((await cached.findMany(['laptop'])).get('laptop')?.price).toBe(999.99);
    expect(reads).toEqual([['laptop']]);
    now = 1000;
    await cached.findMany(['laptop']);
    expect(reads).toEqual([['laptop'], ['laptop']]);
  });

  it('when this instance applies a change, then the next order gets it at once', async () => {
    const { list } = countingList();
    const cached = new CachedPriceList(list, 60_000, () => 0);
    await cached.findMany(['laptop']);

    await cached.update('laptop', (price) => ({ next: { ...price, price: 899, version: 2 } }));
    await cached.create({ ...laptop, productId: 'mouse', price: 20 });

    const prices = await cached.findMany(['laptop', 'mouse']);
    expect([prices.get('laptop')?.price, prices.get('mouse')?.price]).toEqual([899, 20]);
  });

  it('when a product is unknown, then it is asked for again each time (it may be announced any moment)', async () => {
    const { list, reads, stored } = countingList();
    const cached = new CachedPriceList(list, 60_000, () => 0);
    expect((await cached.findMany(['cable'])).has('cable')).toBe(false);
    await stored.create('cable', { ...laptop, productId: 'cable', price: 5 });
    expect((await cached.findMany(['cable'])).get('cable')?.price).toBe(5);
    expect(reads).toEqual([['cable'], ['cable']]);
  });

  it('when the TTL is 0, then every order reads the database', async () => {
    const { list, reads } = countingList();
    const cached = new CachedPriceList(list, 0, () => 0);
    await cached.findMany(['laptop']);
    await cached.findMany(['laptop']);
    expect(reads).toHaveLength(2);
  });
});
