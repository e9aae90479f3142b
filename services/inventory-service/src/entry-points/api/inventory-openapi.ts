import Joi from 'joi';
import type { ApiOperation } from '@ecommerce/shared';
import {
  amountSchema,
  currencySchema,
  errorResponse,
  listPageKeys,
  serviceApiDocument,
  unavailableResponse,
} from '@ecommerce/shared';
import { SERVICE_NAME } from '../../config';
import type { Product } from '../../domain/inventory';
import {
  listProductsQuery,
  productIdParam,
  reviseProductBody,
  saveProductBody,
} from './inventory-request-schemas';

// The inventory routes (inventory-routes.ts) for the API document, with the schemas that
// validate their requests.

const units = () => Joi.number().integer().min(0).required();

const productSchema = Joi.object<Product>({
  productId: productIdParam.required(),
  name: Joi.string().required(),
  price: amountSchema.required().description('The unit price, at most two decimals'),
  currency: currencySchema.required(),
  available: units().description('Units that can be sold'),
  reserved: units().description('Units held for orders still PENDING'),
  updatedAt: Joi.string().isoDate().required(),
}).id('Product');

const inventorySchema = Joi.object({
  items: Joi.array().items(productSchema).required().description('Newest first'),
  ...listPageKeys('products'),
  totalProducts: units()
    .optional()
    .description('With `include=totals`: every product of the catalogue'),
  totalAvailable: units().optional().description('With `include=totals`: over every product'),
  totalReserved: units().optional().description('With `include=totals`: over every product'),
}).id('Inventory');

const productNotFound = errorResponse('No product has this id', ['PRODUCT_NOT_FOUND']);

export const inventoryOperations: readonly ApiOperation[] = [
  {
    operationId: 'listInventory',
    method: 'get',
    path: '/api/inventory',
    tag: 'inventory',
    summary:
      'A page of the products with their prices and stock, newest first; `search` finds by id or name',
    query: listProductsQuery,
    responses: {
      200: { description: 'The inventory', body: inventorySchema },
      503: unavailableResponse('database'),
    },
  },
  {
    operationId: 'getProduct',
    method: 'get',
    path: '/api/inventory/:id',
    tag: 'inventory',
    summary: "One product's stock",
    params: { id: productIdParam },
    responses: {
      200: { description: 'The product', body: productSchema },
      404: productNotFound,
      503: unavailableResponse('database'),
    },
  },
  {
    operationId: 'saveProduct',
    method: 'post',
    path: '/api/inventory/:id',
    tag: 'inventory',
    summary:
      'Sets the available quantity of a product (and its name, price), creating it when it is new',
    description:
      'A new product needs a `price`; it is named after its id unless `name` is given, and ' +
      'priced in CURRENCY unless `currency` is given. Units reserved for PENDING orders stay ' +
      'reserved. A new name or price is announced to the order service (`product.changed`): ' +
      'orders placed from then on get it, placed ones keep theirs.',
    admin: true,
    params: { id: productIdParam },
    body: { schema: saveProductBody, required: true },
    responses: {
      201: { description: 'The new product', body: productSchema },
      200: { description: 'The product, updated', body: productSchema },
      400: errorResponse('A new product needs a price', ['PRICE_REQUIRED']),
      503: unavailableResponse('database'),
    },
  },
  {
    operationId: 'reviseProduct',
    method: 'patch',
    path: '/api/inventory/:id',
    tag: 'inventory',
    summary: 'Changes what the body names of an existing product: its price alone, say',
    admin: true,
    params: { id: productIdParam },
    body: { schema: reviseProductBody, required: true },
    responses: {
      200: { description: 'The product, updated', body: productSchema },
      404: productNotFound,
      503: unavailableResponse('database'),
    },
  },
];

export const inventoryApiDocument = serviceApiDocument({
  service: SERVICE_NAME,
  version: '1.0.0',
  summary:
    'The catalogue (prices, announced with `product.changed`) and its stock: reserved for each ' +
    '`order.created`, taken or given back on `order.status.updated`; each reservation answered ' +
    'with `inventory.status.updated`.',
  operations: inventoryOperations,
});
