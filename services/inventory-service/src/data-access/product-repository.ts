import type { Connection, Model } from 'mongoose';
import { Schema } from 'mongoose';
import type { KeyedMutex } from '@ecommerce/shared';
import { isDuplicateKeyError, lockKey } from '@ecommerce/shared';
import type { Product } from '../domain/inventory';

/** One unit count held for one PENDING order; at most one per order in a product. */
interface Hold {
  orderId: string;
  quantity: number;
}

interface ProductDocument {
  _id: string;
  name: string;
  available: number;
  reserved: number;
  /** The holds of the orders still PENDING: what makes every stock step idempotent. */
  holds: Hold[];
  updatedAt: Date;
}

const productSchema = new Schema<ProductDocument>(
  {
    _id: { type: String, required: true },
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
  { collection: 'products', versionKey: false },
);

export type HoldResult = { held: true } | { held: false; available: number | null };

/**
 * Stock in MongoDB. Each step of a reservation is one conditional update of one product
 * document: atomic on MongoDB, and a no-op when repeated, because the hold of an order is either
 * in the document or not. Writes to a product also take its in-process lock, which keeps a
 * single instance correct on FerretDB (see KeyedMutex).
 */
export class ProductRepository {
  private readonly model: Model<ProductDocument>;

  constructor(
    connection: Connection,
    private readonly locks: KeyedMutex,
  ) {
    this.model = connection.model<ProductDocument>('Product', productSchema);
  }

  async list(): Promise<Product[]> {
    const documents = await this.model.find().sort({ _id: 1 }).lean();
    return documents.map(toProduct);
  }

  async findById(productId: string): Promise<Product | null> {
    const document = await this.model.findById(productId).lean();
    return document && toProduct(document);
  }

  /** Sets the available quantity, creating the product if it is new. */
  async setAvailable(
    productId: string,
    quantity: number,
    name: string | undefined,
  ): Promise<{ product: Product; created: boolean }> {
    return this.withLock(productId, async () => {
      const update = async () => {
        const changes = { available: quantity, updatedAt: new Date(), ...(name && { name }) };
        const updated = await this.model
          .findOneAndUpdate({ _id: productId }, { $set: changes }, { new: true })
          .lean();
        return updated && { product: toProduct(updated), created: false };
      };
      const existing = await update();
      if (existing) return existing;
      try {
        const created = await this.model.create({
          _id: productId,
          name: name ?? productId,
          available: quantity,
          reserved: 0,
          holds: [],
          updatedAt: new Date(),
        });
        return { product: toProduct(created.toObject()), created: true };
      } catch (error) {
        // Another instance created it between our update and our insert: update it after all.
        const raced = isDuplicateKeyError(error) ? await update() : null;
        if (!raced) throw error;
        return raced;
      }
    });
  }

  /** Moves `quantity` units from available to reserved for the order, unless it already holds them. */
  async hold(productId: string, orderId: string, quantity: number): Promise<HoldResult> {
    return this.withLock(productId, async () => {
      // A repeat (a redelivered or resumed reservation) finds its hold and takes nothing more.
      const before = await this.model.findById(productId).lean();
      if (!before) return { held: false, available: null };
      if (holdsFor(before, orderId)) return { held: true };
      const result = await this.model.updateOne(
        // `$ne` on the holds makes this one atomic step on MongoDB. FerretDB v1 matches it as
        // soon as any hold is another order's, so there the check above, under the lock, is
        // what keeps an order from holding twice.
        { _id: productId, available: { $gte: quantity }, 'holds.orderId': { $ne: orderId } },
        {
          $inc: { available: -quantity, reserved: quantity },
          $push: { holds: { orderId, quantity } },
          $set: { updatedAt: new Date() },
        },
      );
      if (result.modifiedCount === 1) return { held: true };
      const after = await this.model.findById(productId).lean();
      if (!after) return { held: false, available: null };
      return holdsFor(after, orderId)
        ? { held: true }
        : { held: false, available: after.available };
    });
  }

  /** Gives the order's held units back to available (order cancelled, or reservation undone). */
  release(productId: string, orderId: string): Promise<void> {
    return this.dropHold(productId, orderId, (quantity) => ({
      available: quantity,
      reserved: -quantity,
    }));
  }

  /** Takes the order's held units out of stock for good (order confirmed). */
  commit(productId: string, orderId: string): Promise<void> {
    return this.dropHold(productId, orderId, (quantity) => ({ reserved: -quantity }));
  }

  /** Creates the seed products that do not exist yet; never touches existing ones. */
  async seed(products: ReadonlyArray<Pick<Product, 'productId' | 'name' | 'available'>>) {
    const updatedAt = new Date();
    for (const { productId, name, available } of products) {
      try {
        await this.model.create({
          _id: productId,
          name,
          available,
          reserved: 0,
          holds: [],
          updatedAt,
        });
      } catch (error) {
        if (!isDuplicateKeyError(error)) throw error;
      }
    }
  }

  async isEmpty(): Promise<boolean> {
    return (await this.model.estimatedDocumentCount()) === 0;
  }

  /**
   * Removes the order's hold, if it is there, and applies the increments for its quantity. The
   * hold is pulled as the exact value stored: FerretDB v1 ignores $pull conditions such as
   * `{ orderId }` (and array filters on whole sub-documents) and only pulls equal elements.
   */
  private async dropHold(
    productId: string,
    orderId: string,
    increments: (quantity: number) => { available?: number; reserved: number },
  ): Promise<void> {
    await this.withLock(productId, async () => {
      const product = await this.model.findById(productId).lean();
      const hold = product?.holds.find((candidate) => candidate.orderId === orderId);
      if (!hold) return;
      await this.model.updateOne(
        { _id: productId, 'holds.orderId': orderId },
        {
          $inc: increments(hold.quantity),
          $pull: { holds: { orderId: hold.orderId, quantity: hold.quantity } },
          $set: { updatedAt: new Date() },
        },
      );
    });
  }

  private withLock<T>(productId: string, work: () => Promise<T>): Promise<T> {
    return this.locks.run(lockKey('products', productId), work);
  }
}

function holdsFor(product: ProductDocument, orderId: string): boolean {
  return product.holds.some((hold) => hold.orderId === orderId);
}

function toProduct(document: ProductDocument): Product {
  return {
    productId: document._id,
    name: document.name,
    available: document.available,
    reserved: document.reserved,
    updatedAt: document.updatedAt,
  };
}
