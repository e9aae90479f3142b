import type { Connection, Model } from 'mongoose';
import type {
  AggregateStore,
  Decide,
  ListPage,
  Page,
  ServiceInfrastructure,
  Updated,
} from '@ecommerce/shared';
import { aggregateSchema, findPage, textSearch } from '@ecommerce/shared';
import type { PriceFilter, PriceListPort } from '../domain/order-ports';
import type { ProductPrice } from '../domain/product-price';

type PriceDocument = Omit<ProductPrice, 'productId'> & { _id: string };

const priceSchema = aggregateSchema<Omit<ProductPrice, 'productId'>>(
  {
    name: { type: String, required: true },
    price: { type: Number, required: true },
    currency: { type: String, required: true },
    version: { type: Number, required: true },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
  },
  { collection: 'prices' },
);
// The list's pages, newest first: a sort the database answers from this index.
priceSchema.index({ createdAt: -1, _id: 1 });

/**
 * The order service's price list, one document per product, written only by the
 * `product.changed` handler (through the aggregate store: a conditional write per change).
 */
export class PriceRepository implements PriceListPort {
  private readonly model: Model<PriceDocument>;
  private readonly store: AggregateStore<ProductPrice>;

  constructor(connection: Connection, stores: ServiceInfrastructure['stores']) {
    this.model = connection.model<PriceDocument>('Price', priceSchema);
    this.store = stores.define<ProductPrice>(this.model.collection, { idField: 'productId' });
  }

  /** One read by id each, which every backend answers from the `_id` index (an `$in` may read all). */
  async findMany(productIds: string[]): Promise<Map<string, ProductPrice>> {
    const found = await Promise.all(productIds.map((id) => this.store.read(id)));
    return new Map(
      found.filter((price) => price !== null).map((price) => [price.productId, price]),
    );
  }

  findById(productId: string): Promise<ProductPrice | null> {
    return this.store.read(productId);
  }

  create(price: ProductPrice): Promise<boolean> {
    return this.store.create(price.productId, price);
  }

  update(productId: string, decide: Decide<ProductPrice>): Promise<Updated<ProductPrice> | null> {
    return this.store.update(productId, decide);
  }

  async list({ search }: PriceFilter, page: Page): Promise<ListPage<ProductPrice>> {
    const query = textSearch<PriceDocument>(search, ['_id', 'name']);
    const found = await findPage(this.model, query, page, { omit: ['outbox'] });
    return {
      ...found,
      items: found.items.map(({ _id, name, price, currency, version, createdAt, updatedAt }) => ({
        productId: _id,
        name,
        price,
        currency,
        version,
        createdAt,
        updatedAt,
      })),
    };
  }

  async isEmpty(): Promise<boolean> {
    return (await this.model.estimatedDocumentCount()) === 0;
  }
}
