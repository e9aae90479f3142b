import { Router } from 'express';
import { requireAdmin, validate, validateBody } from '@ecommerce/shared';
import type { InventoryDependencies } from '../../domain/inventory-ports';
import { ProductNotFoundError } from '../../domain/inventory-errors';
import { summarise } from '../../domain/inventory-rules';
import { setProductStock } from '../../domain/set-stock';
import { publicView } from '../../domain/stock-rules';
import { productIdParam, setStockBody } from './inventory-request-schemas';

export function inventoryRouter(
  { products }: Pick<InventoryDependencies, 'products'>,
  adminToken: string,
): Router {
  const router = Router();

  router.get('/inventory', async (_req, res) => {
    res.json(summarise((await products.list()).map(publicView)));
  });

  router.get('/inventory/:id', async (req, res) => {
    const productId = validate(productIdParam, req.params.id, 'Product id');
    const product = await products.findById(productId);
    if (!product) throw new ProductNotFoundError(productId);
    res.json(publicView(product));
  });

  router.post('/inventory/:id', requireAdmin(adminToken), async (req, res) => {
    const productId = validate(productIdParam, req.params.id, 'Product id');
    const { quantity, name } = validateBody(setStockBody, req.body, 'Stock update');
    const { product, created } = await setProductStock(productId, quantity, name, { products });
    res.status(created ? 201 : 200).json(product);
  });

  return router;
}
