import Joi from 'joi';
import type { ApiOperation } from '@ecommerce/shared';
import { errorResponse, serviceApiDocument, unavailableResponse } from '@ecommerce/shared';
import { SERVICE_NAME } from '../../config';
import type { InventorySummary, Product } from '../../domain/inventory';
import { productIdParam, setStockBody } from './inventory-request-schemas';

// The inventory routes (inventory-routes.ts) for the API document, with the schemas that
// validate their requests.

const units = () => Joi.number().integer().min(0).required();

const productSchema = Joi.object<Product>({
  productId: productIdParam.required(),
  name: Joi.string().required(),
  available: units().description('Units that can be sold'),
  reserved: units().description('Units held for orders still PENDING'),
  updatedAt: Joi.string().isoDate().required(),
}).id('Product');

const inventorySchema = Joi.object<InventorySummary>({
  items: Joi.array().items(productSchema).required(),
  totalProducts: units(),
  totalAvailable: units(),
  totalReserved: units(),
}).id('Inventory');

export const inventoryOperations: readonly ApiOperation[] = [
  {
    operationId: 'listInventory',
    method: 'get',
    path: '/api/inventory',
    tag: 'inventory',
    summary: 'Every product with its stock, and the totals',
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
      404: errorResponse('No product has this id', ['PRODUCT_NOT_FOUND']),
      503: unavailableResponse('database'),
    },
  },
  {
    operationId: 'setStock',
    method: 'post',
    path: '/api/inventory/:id',
    tag: 'inventory',
    summary: 'Sets the available quantity of a product, creating it when it is new',
    description:
      'A new product is named after its id unless `name` is given. Units reserved for PENDING ' +
      'orders stay reserved.',
    admin: true,
    params: { id: productIdParam },
    body: { schema: setStockBody, required: true },
    responses: {
      201: { description: 'The new product', body: productSchema },
      200: { description: 'The product, updated', body: productSchema },
      503: unavailableResponse('database'),
    },
  },
];

export const inventoryApiDocument = serviceApiDocument({
  service: SERVICE_NAME,
  version: '1.0.0',
  summary:
    'Stock: reserved for each `order.created`, taken or given back on `order.status.updated`; ' +
    'each reservation answered with `inventory.status.updated`.',
  operations: inventoryOperations,
});
