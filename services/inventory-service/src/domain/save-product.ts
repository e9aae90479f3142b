import type { Product, ProductRevision } from './inventory';
import { productChanged } from './inventory-events';
import { ProductNotFoundError } from './inventory-errors';
import type { InventoryDependencies } from './inventory-ports';
import { newProduct, revise } from './catalogue-rules';
import { publicView } from './stock-rules';

export interface Catalogue {
  /** ISO 4217 code of a new product that names none (CURRENCY). */
  defaultCurrency: string;
}

/**
 * An admin creates a product (a price is required) or revises one (`POST`: the stock, and
 * whatever else is given).
 */
export async function saveProduct(
  productId: string,
  revision: ProductRevision,
  { products }: Pick<InventoryDependencies, 'products'>,
  catalogue: Catalogue & { correlationId: string },
): Promise<{ product: Product; created: boolean }> {
  for (;;) {
    const updated = await products.update(productId, revise(revision, catalogue.correlationId));
    if (updated) return { product: publicView(updated.state), created: false };
    const product = newProduct(productId, revision, catalogue.defaultCurrency);
    if (await products.create(product, [productChanged(product, catalogue.correlationId)])) {
      return { product: publicView(product), created: true };
    }
    // Created meanwhile by another request: revise it after all.
  }
}

/** An admin revises an existing product (`PATCH`): only what is given changes. */
export async function reviseProduct(
  productId: string,
  revision: ProductRevision,
  { products }: Pick<InventoryDependencies, 'products'>,
  correlationId: string,
): Promise<Product> {
  const updated = await products.update(productId, revise(revision, correlationId));
  if (!updated) throw new ProductNotFoundError(productId);
  return publicView(updated.state);
}

/** Creates the seed products that do not exist yet; never touches existing ones. */
export async function seedProducts(
  seeds: ReadonlyArray<ProductRevision & { productId: string }>,
  { products }: Pick<InventoryDependencies, 'products'>,
  catalogue: Catalogue & { correlationId: string },
): Promise<void> {
  for (const { productId, ...revision } of seeds) {
    const product = newProduct(productId, revision, catalogue.defaultCurrency);
    await products.create(product, [productChanged(product, catalogue.correlationId)]);
  }
}
