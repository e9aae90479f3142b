import type { Product } from './inventory';
import type { InventoryDependencies } from './inventory-ports';
import { newProduct, publicView, setStock } from './stock-rules';

/** An admin sets a product's available quantity, creating the product when it is new. */
export async function setProductStock(
  productId: string,
  quantity: number,
  name: string | undefined,
  { products }: Pick<InventoryDependencies, 'products'>,
): Promise<{ product: Product; created: boolean }> {
  for (;;) {
    const updated = await products.update(productId, setStock(quantity, name));
    if (updated) return { product: publicView(updated.state), created: false };
    const product = newProduct(productId, quantity, name);
    if (await products.create(product)) return { product: publicView(product), created: true };
    // Created meanwhile by another request: update it after all.
  }
}

/** Creates the seed products that do not exist yet; never touches existing ones. */
export async function seedProducts(
  seeds: ReadonlyArray<Pick<Product, 'productId' | 'name' | 'available'>>,
  { products }: Pick<InventoryDependencies, 'products'>,
): Promise<void> {
  for (const { productId, name, available } of seeds) {
    await products.create(newProduct(productId, available, name));
  }
}
