import Joi from 'joi';
import type { Page } from '@ecommerce/shared';
import {
  amountSchema,
  currencySchema,
  paginationKeys,
  productIdSchema,
  productSearchKey,
} from '@ecommerce/shared';
import type { ProductRevision } from '../../domain/inventory';
import type { ProductFilter } from '../../domain/inventory-ports';

export const productIdParam = productIdSchema.messages({
  'string.pattern.name': 'Product id must be 1 to 64 letters, digits, "_", "-" or "."',
});

const revisionKeys = {
  quantity: Joi.number()
    .strict()
    .integer()
    .min(0)
    .max(1_000_000_000)
    .description('The new available quantity'),
  name: Joi.string().trim().min(1).max(200).description("The product's name"),
  price: amountSchema.description('The unit price: at most two decimals, e.g. 999.99'),
  currency: currencySchema.description(
    'ISO 4217 code of the price; a new product without one is priced in CURRENCY',
  ),
};

/** POST: sets the stock, creating the product when it is new (then `price` is required). */
export const saveProductBody = Joi.object<ProductRevision & { quantity: number }>({
  ...revisionKeys,
  quantity: revisionKeys.quantity.required(),
});

/** PATCH: changes what it names of an existing product (a price alone, say). */
export const reviseProductBody = Joi.object<ProductRevision>(revisionKeys)
  .min(1)
  .messages({ 'object.min': 'Name at least one of quantity, name, price, currency' });

export const listProductsQuery = Joi.object<ProductFilter & Page & { include?: 'totals' }>({
  ...productSearchKey,
  ...paginationKeys,
  include: Joi.string()
    .valid('totals')
    .description("`totals`: add the whole catalogue's stock, added up (reads every product)"),
});
