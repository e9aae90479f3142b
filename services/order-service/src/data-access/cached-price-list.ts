import type { Decide, ListPage, Page, Updated } from '@ecommerce/shared';
import type { PriceFilter, PriceListPort } from '../domain/order-ports';
import type { ProductPrice } from '../domain/product-price';

/**
 * The price list with the entries that orders read kept in memory for `ttlMs`: placing an order
 * then costs no read of the price list while its products' prices were read lately (measured: one
 * read per order cost the spread phase 10–20 % of its rate). A change this instance applies is
 * in its memory at once; another instance's copy is at most `ttlMs` old. Lists and single
 * entries (the API) are always read from the database.
 */
export class CachedPriceList implements PriceListPort {
  private readonly entries = new Map<string, { price: ProductPrice; readAt: number }>();

  constructor(
    private readonly prices: PriceListPort,
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  async findMany(productIds: string[]): Promise<Map<string, ProductPrice>> {
    const stale = productIds.filter((id) => !this.isFresh(id));
    if (stale.length > 0) {
      const readAt = this.now();
      const found = await this.prices.findMany(stale);
      for (const id of stale) this.remember(id, found.get(id) ?? null, readAt);
    }
    const known = productIds.flatMap((id): Array<[string, ProductPrice]> => {
      const entry = this.entries.get(id);
      return entry ? [[id, entry.price]] : [];
    });
    return new Map(known);
  }

  findById(productId: string): Promise<ProductPrice | null> {
    return this.prices.findById(productId);
  }

  async create(price: ProductPrice): Promise<boolean> {
    const created = await this.prices.create(price);
    if (created) this.remember(price.productId, price, this.now());
    return created;
  }

  async update(
    productId: string,
    decide: Decide<ProductPrice>,
  ): Promise<Updated<ProductPrice> | null> {
    const updated = await this.prices.update(productId, decide);
    if (updated) this.remember(productId, updated.state, this.now());
    return updated;
  }

  list(filter: PriceFilter, page: Page): Promise<ListPage<ProductPrice>> {
    return this.prices.list(filter, page);
  }

  isEmpty(): Promise<boolean> {
    return this.prices.isEmpty();
  }

  private isFresh(productId: string): boolean {
    const entry = this.entries.get(productId);
    return entry !== undefined && this.now() - entry.readAt < this.ttlMs;
  }

  private remember(productId: string, price: ProductPrice | null, readAt: number): void {
    // A product not in the list is not remembered: it may be announced any moment.
    if (price) this.entries.set(productId, { price, readAt });
    else this.entries.delete(productId);
  }
}
