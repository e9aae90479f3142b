import Joi from 'joi';
import type { ApiOperation } from '@ecommerce/shared';
import {
  errorResponse,
  listPageKeys,
  serviceApiDocument,
  unavailableResponse,
} from '@ecommerce/shared';
import { SERVICE_NAME } from '../../config';
import { amountSchema, currencySchema, productIdSchema } from '@ecommerce/shared';
import type { HistoryEntry, OrderView } from '../../domain/order';
import type { PriceView } from './price-routes';
import {
  idempotencyKeyHeader,
  listOrdersQuery,
  listPricesQuery,
  newOrderBody,
  orderIdParam,
  productIdParam,
} from './order-request-schemas';

// The order routes (order-routes.ts) for the API document. Requests are described by the schemas
// that validate them; an order's fields that came in with its request by those schemas too.

const statusSchema = listOrdersQuery.extract('status').required();

const orderSchema = Joi.object<OrderView>({
  id: orderIdParam.required(),
  userId: newOrderBody.extract('userId'),
  products: Joi.array()
    .items(
      Joi.object({
        productId: productIdSchema.required(),
        quantity: Joi.number().integer().min(1).required(),
        unitPrice: amountSchema
          .required()
          .description("The product's price when the order was placed"),
      }),
    )
    .required(),
  totalPrice: amountSchema
    .required()
    .description('Σ quantity × unitPrice, summed exactly (in minor units)'),
  currency: currencySchema.required(),
  contact: newOrderBody.extract('contact'),
  status: statusSchema.description('PENDING, then exactly one of CONFIRMED or CANCELLED'),
  statusReason: Joi.string().description(
    'Why the order was cancelled, e.g. "Insufficient inventory for product prod2: requested 2, ' +
      'available 0" or "Expired: not confirmed within 15 minutes"',
  ),
  expiresAt: Joi.string()
    .isoDate()
    .description(
      'Only while PENDING: when the order is cancelled as expired unless the inventory answers ' +
        'first (placed + ORDER_PENDING_TIMEOUT_MS)',
    ),
  createdAt: Joi.string().isoDate().required(),
  updatedAt: Joi.string().isoDate().required(),
}).id('Order');

const orderPageSchema = Joi.object({
  items: Joi.array().items(orderSchema).required().description('Newest first'),
  ...listPageKeys('orders'),
}).id('OrderPage');

const historySchema = Joi.object<{ items: HistoryEntry[] }>({
  items: Joi.array()
    .items(
      Joi.object<HistoryEntry>({
        status: statusSchema,
        at: Joi.string().isoDate().required(),
        reason: Joi.string(),
        eventId: Joi.string().required(),
        eventType: Joi.string()
          .required()
          .description(
            'order.created (placed), inventory.status.updated (the inventory answered), ' +
              "order.status.updated (the customer's cancellation, or the order expired)",
          ),
        source: Joi.string().required().description('The service that published the event'),
      }),
    )
    .required()
    .description('Oldest first: the placement, then each status change'),
}).id('OrderHistory');

const priceSchema = Joi.object<PriceView>({
  productId: productIdParam.required(),
  name: Joi.string().required(),
  price: amountSchema.required(),
  currency: currencySchema.required(),
  updatedAt: Joi.string().isoDate().required().description('When this service learnt the price'),
}).id('Price');

const pricePageSchema = Joi.object({
  items: Joi.array()
    .items(priceSchema)
    .required()
    .description('Newest first (as the list learnt them)'),
  ...listPageKeys('products'),
}).id('PricePage');

const orderNotFound = errorResponse('No order has this id', ['ORDER_NOT_FOUND']);

export const orderOperations: readonly ApiOperation[] = [
  {
    operationId: 'placeOrder',
    method: 'post',
    path: '/api/orders',
    tag: 'orders',
    summary: 'Places an order: PENDING until the inventory reserves its lines or cannot',
    headers: { 'Idempotency-Key': idempotencyKeyHeader },
    body: { schema: newOrderBody, required: true },
    responses: {
      201: { description: 'The new order, PENDING', body: orderSchema },
      200: {
        description: 'The order an earlier request with the same Idempotency-Key and body placed',
        body: orderSchema,
      },
      400: errorResponse(
        'A product is not in the price list, or the products are priced in different currencies',
        ['UNKNOWN_PRODUCT', 'MIXED_CURRENCIES'],
      ),
      409: errorResponse(
        'The Idempotency-Key was used with another body, or `totalPrice` is not the total at ' +
          'current prices (`error.details`: the current `totalPrice` and `currency`)',
        ['IDEMPOTENCY_KEY_REUSED', 'PRICE_CHANGED'],
      ),
      503: unavailableResponse('database'),
    },
  },
  {
    operationId: 'listOrders',
    method: 'get',
    path: '/api/orders',
    tag: 'orders',
    summary: 'Orders, newest first, optionally of one user or in one status',
    query: listOrdersQuery,
    responses: {
      200: { description: 'A page of orders', body: orderPageSchema },
      503: unavailableResponse('database'),
    },
  },
  {
    operationId: 'getOrder',
    method: 'get',
    path: '/api/orders/:id',
    tag: 'orders',
    summary: 'One order',
    params: { id: orderIdParam },
    responses: {
      200: { description: 'The order', body: orderSchema },
      404: orderNotFound,
      503: unavailableResponse('database'),
    },
  },
  {
    operationId: 'getOrderHistory',
    method: 'get',
    path: '/api/orders/:id/history',
    tag: 'orders',
    summary:
      'How an order got where it is: its placement and each status change, with the event behind it',
    params: { id: orderIdParam },
    responses: {
      200: { description: "The order's history", body: historySchema },
      404: orderNotFound,
      503: unavailableResponse('database'),
    },
  },
  {
    operationId: 'cancelOrder',
    method: 'delete',
    path: '/api/orders/:id',
    tag: 'orders',
    summary: 'Cancels a PENDING order; a CANCELLED one is answered unchanged',
    params: { id: orderIdParam },
    responses: {
      200: { description: 'The order, now CANCELLED', body: orderSchema },
      404: orderNotFound,
      409: errorResponse('A CONFIRMED order cannot be cancelled', ['ORDER_NOT_CANCELLABLE']),
      503: unavailableResponse('database'),
    },
  },
  {
    operationId: 'listPrices',
    method: 'get',
    path: '/api/prices',
    tag: 'prices',
    summary: 'The price list orders are priced with, newest first; `search` finds by id or name',
    description:
      "The service's copy of the inventory's catalogue, kept from its `product.changed` events.",
    query: listPricesQuery,
    responses: {
      200: { description: 'A page of the price list', body: pricePageSchema },
      503: unavailableResponse('database'),
    },
  },
  {
    operationId: 'getPrice',
    method: 'get',
    path: '/api/prices/:productId',
    tag: 'prices',
    summary: "One product's price, as a new order gets it",
    params: { productId: productIdParam },
    responses: {
      200: { description: 'The price', body: priceSchema },
      404: errorResponse('The price list has no such product', ['PRODUCT_NOT_FOUND']),
      503: unavailableResponse('database'),
    },
  },
];

export const orderApiDocument = serviceApiDocument({
  service: SERVICE_NAME,
  version: '1.0.0',
  summary:
    'Orders: priced from the price list (kept from `product.changed`), placed over HTTP, then ' +
    'confirmed or cancelled by the inventory through events (`order.created`, ' +
    '`inventory.status.updated`, `order.status.updated`), or cancelled as expired when still ' +
    'PENDING after ORDER_PENDING_TIMEOUT_MS.',
  operations: orderOperations,
});
