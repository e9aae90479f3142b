import type { Connection, Model } from 'mongoose';
import { Schema } from 'mongoose';
import type { AggregateStore, Decide, ServiceInfrastructure, Updated } from '@ecommerce/shared';
import { aggregateSchema } from '@ecommerce/shared';
import type { Hold, StockedProduct } from '../domain/inventory';
import type { ProductRepositoryPort } from '../domain/inventory-ports';

type ProductDocument = Omit<StockedProduct, 'productId'> & { _id: string };

const productSchema = aggregateSchema<Omit<StockedProduct, 'productId'>>(
  {
    name: { type: String, required: true },
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
    updatedAt: { type: Date, required: true },
  },
  { collection: 'products' },
);

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

  async list(): Promise<StockedProduct[]> {
    const documents = await this.model.find().sort({ _id: 1 }).lean();
    return documents.map(({ _id, name, available, reserved, holds, updatedAt }) => ({
      productId: _id,
      name,
      available,
      reserved,
      holds,
      updatedAt,
    }));
  }

  findById(productId: string): Promise<StockedProduct | null> {
    return this.store.read(productId);
  }

  /** Stores a new product; false when one with that id exists. */
  create(product: StockedProduct): Promise<boolean> {
    return this.store.create(product.productId, product);
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
