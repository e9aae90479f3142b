import { Router } from 'express';
import { currentCorrelationId, requireAdmin, validate, validateBody } from '@ecommerce/shared';
import type { InventoryDependencies } from '../../domain/inventory-ports';
import { ProductNotFoundError } from '../../domain/inventory-errors';
import type { Catalogue } from '../../domain/save-product';
import { reviseProduct, saveProduct } from '../../domain/save-product';
import { publicView } from '../../domain/stock-rules';
import {
  listProductsQuery,
  productIdParam,
  reviseProductBody,
  saveProductBody,
} from './inventory-request-schemas';

export function inventoryRouter(
  { products }: Pick<InventoryDependencies, 'products'>,
  { adminToken, catalogue }: { adminToken: string; catalogue: Catalogue },
): Router {
  const router = Router();

  router.get('/inventory', async (req, res) => {
    const { search, limit, offset, include } = validate(listProductsQuery, req.query, 'Query');
    const [found, totals] = await Promise.all([
      products.list({ search }, { limit, offset }),
      include === 'totals' ? products.totals() : undefined,
    ]);
    res.json({ ...found, items: found.items.map(publicView), limit, offset, ...totals });
  });

  router.get('/inventory/:id', async (req, res) => {
    const productId = validate(productIdParam, req.params.id, 'Product id');
    const product = await products.findById(productId);
    if (!product) throw new ProductNotFoundError(productId);
    res.json(publicView(product));
  });

  router.post('/inventory/:id', requireAdmin(adminToken), async (req, res) => {
    const productId = validate(productIdParam, req.params.id, 'Product id');
    const revision = validateBody(saveProductBody, req.body, 'Product');
    const { product, created } = await saveProduct(
      productId,
      revision,
      { products },
      { ...catalogue, correlationId: currentCorrelationId() },
    );
    res.status(created ? 201 : 200).json(product);
  });

  router.patch('/inventory/:id', requireAdmin(adminToken), async (req, res) => {
    const productId = validate(productIdParam, req.params.id, 'Product id');
    const revision = validateBody(reviseProductBody, req.body, 'Product');
    res.json(await reviseProduct(productId, revision, { products }, currentCorrelationId()));
  });

  return router;
}
