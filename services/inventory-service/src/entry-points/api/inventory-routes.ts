import { Router } from 'express';
import { notFound, requireAdmin, validate, validateBody } from '@ecommerce/shared';
import type { InventoryDependencies } from '../../domain/inventory-ports';
import { summarise } from '../../domain/inventory-rules';
import { productIdParam, setStockBody } from './inventory-request-schemas';

export function inventoryRouter(
  { products }: Pick<InventoryDependencies, 'products'>,
  adminToken: string,
): Router {
  const router = Router();

  router.get('/inventory', async (_req, res) => {
    res.json(summarise(await products.list()));
  });

  router.get('/inventory/:id', async (req, res) => {
    const productId = validate(productIdParam, req.params.id, 'Product id');
    const product = await products.findById(productId);
    if (!product) throw notFound(`Product ${productId} not found`, 'PRODUCT_NOT_FOUND');
    res.json(product);
  });

  router.post('/inventory/:id', requireAdmin(adminToken), async (req, res) => {
    const productId = validate(productIdParam, req.params.id, 'Product id');
    const { quantity, name } = validateBody(setStockBody, req.body, 'Stock update');
    const { product, created } = await products.setAvailable(productId, quantity, name);
    res.status(created ? 201 : 200).json(product);
  });

  return router;
}
