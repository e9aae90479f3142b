import { Router } from 'express';
import { validate } from '@ecommerce/shared';
import { PriceNotFoundError } from '../../domain/order-errors';
import type { OrderDependencies } from '../../domain/order-ports';
import type { ProductPrice } from '../../domain/product-price';
import { listPricesQuery, productIdParam } from './order-request-schemas';

/** The price list the service prices orders with (what a customer pays now), newest first. */
export function priceRouter({ prices }: Pick<OrderDependencies, 'prices'>): Router {
  const router = Router();

  router.get('/prices', async (req, res) => {
    const { search, limit, offset } = validate(listPricesQuery, req.query, 'Query');
    const found = await prices.list({ search }, { limit, offset });
    res.json({ ...found, items: found.items.map(priceView), limit, offset });
  });

  router.get('/prices/:productId', async (req, res) => {
    const productId = validate(productIdParam, req.params.productId, 'Product id');
    const price = await prices.findById(productId);
    if (!price) throw new PriceNotFoundError(productId);
    res.json(priceView(price));
  });

  return router;
}

/** An entry as the API shows it: without the list's own bookkeeping (version, when added). */
export type PriceView = Omit<ProductPrice, 'version' | 'createdAt'>;

function priceView({ productId, name, price, currency, updatedAt }: ProductPrice): PriceView {
  return { productId, name, price, currency, updatedAt };
}
