import type { Connection, Model } from 'mongoose';
import { Schema } from 'mongoose';
import type {
  AggregateStore,
  Decide,
  EventDraft,
  ListPage,
  Page,
  ServiceInfrastructure,
  Updated,
} from '@ecommerce/shared';
import { aggregateSchema, findPage, MAX_PAGE_SIZE, textSearch } from '@ecommerce/shared';
import type { Hold, InventoryTotals, StockedProduct } from '../domain/inventory';
import type { ProductFilter, ProductRepositoryPort } from '../domain/inventory-ports';

type ProductDocument = Omit<StockedProduct, 'productId'> & { _id: string };

const productSchema = aggregateSchema<Omit<StockedProduct, 'productId'>>(
  {
    name: { type: String, required: true },
    price: { type: Number, required: true, min: 0 },
    currency: { type: String, required: true },
    available: { type: Number, required: true, min: 0 },
    reserved: { type: Number, required: true, min: 0 },
    holds: {
      type: [
        new Schema<Hold>(
          { orderId: { type: String, required: true }, quantity: { type: Number, required: true } },
          { _id: false },
        ),
      ],
      default: [],
    },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
  },
  { collection: 'products' },
);
// The catalogue's pages, newest first: a sort the database answers from this index.
productSchema.index({ createdAt: -1, _id: 1 });

/**
 * Stock in MongoDB, one document per product with the holds of its PENDING orders. Every step is
 * a decision of the product's store: changes to one product are serialised and, while one write
 * is in flight, batched into the next (a hot product costs a write per batch, not per order).
 */
export class ProductRepository implements ProductRepositoryPort {
  private readonly model: Model<ProductDocument>;
  private readonly store: AggregateStore<StockedProduct>;

  constructor(connection: Connection, stores: ServiceInfrastructure['stores']) {
    this.model = connection.model<ProductDocument>('Product', productSchema);
    this.store = stores.define<StockedProduct>(this.model.collection, { idField: 'productId' });
  }

  async list({ search }: ProductFilter, page: Page): Promise<ListPage<StockedProduct>> {
    const query = textSearch<ProductDocument>(search, ['_id', 'name']);
    const found = await findPage(this.model, query, page, { omit: ['outbox'] });
    return { ...found, items: found.items.map(toProduct) };
  }

  /** Keyset pages on `_id` (its index), so the last page costs what the first does. */
  async *idsInPages(): AsyncIterable<string[]> {
    for (let after = ''; ;) {
      const page = await this.model
        .find({ _id: { $gt: after } }, { _id: 1 })
        .sort({ _id: 1 })
        .limit(MAX_PAGE_SIZE)
        .lean();
      if (page.length === 0) return;
      yield page.map(({ _id }) => _id);
      after = page[page.length - 1]._id;
    }
  }

  /** Added up here from two fields of each product (why not a `$group`: database-capabilities). */
  async totals(): Promise<InventoryTotals> {
    const totals = { totalProducts: 0, totalAvailable: 0, totalReserved: 0 };
    const stocks = this.model.find({}, { available: 1, reserved: 1 }).lean().cursor();
    for await (const { available, reserved } of stocks) {
      totals.totalProducts += 1;
      totals.totalAvailable += available;
      totals.totalReserved += reserved;
    }
    return totals;
  }

  findById(productId: string): Promise<StockedProduct | null> {
    return this.store.read(productId);
  }

  /** Stores a new product with its events; false when one with that id exists. */
  create(product: StockedProduct, events: EventDraft[] = []): Promise<boolean> {
    return this.store.create(product.productId, product, events);
  }

  update<R = undefined>(
    productId: string,
    decide: Decide<StockedProduct, R>,
  ): Promise<Updated<StockedProduct, R> | null> {
    return this.store.update(productId, decide);
  }

  async isEmpty(): Promise<boolean> {
    return (await this.model.estimatedDocumentCount()) === 0;
  }
}

function toProduct(document: ProductDocument): StockedProduct {
  const { _id, name, price, currency, available, reserved, holds, createdAt, updatedAt } = document;
  return {
    productId: _id,
    name,
    price,
    currency,
    available,
    reserved,
    holds,
    createdAt,
    updatedAt,
  };
}
