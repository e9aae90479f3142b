import Joi from 'joi';
import type { ApiOperation } from '@ecommerce/shared';
import {
  errorResponse,
  listPageKeys,
  serviceApiDocument,
  unavailableResponse,
} from '@ecommerce/shared';
import { SERVICE_NAME } from '../../config';
import type { Order } from '../../domain/order';
import {
  idempotencyKeyHeader,
  listOrdersQuery,
  newOrderBody,
  orderIdParam,
} from './order-request-schemas';

// The order routes (order-routes.ts) for the API document. Requests are described by the schemas
// that validate them; an order's fields that came in with its request by those schemas too.

const orderSchema = Joi.object<Order>({
  id: orderIdParam.required(),
  userId: newOrderBody.extract('userId'),
  products: newOrderBody.extract('products'),
  totalPrice: newOrderBody.extract('totalPrice'),
  contact: newOrderBody.extract('contact'),
  status: listOrdersQuery
    .extract('status')
    .required()
    .description('PENDING, then exactly one of CONFIRMED or CANCELLED'),
  statusReason: Joi.string().description(
    'Why the order was cancelled, e.g. "Insufficient inventory for product prod2: requested 2, available 0"',
  ),
  createdAt: Joi.string().isoDate().required(),
  updatedAt: Joi.string().isoDate().required(),
}).id('Order');

const orderPageSchema = Joi.object({
  items: Joi.array().items(orderSchema).required().description('Newest first'),
  ...listPageKeys('orders'),
}).id('OrderPage');

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
      409: errorResponse('The Idempotency-Key was used with another body', [
        'IDEMPOTENCY_KEY_REUSED',
      ]),
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
];

export const orderApiDocument = serviceApiDocument({
  service: SERVICE_NAME,
  version: '1.0.0',
  summary:
    'Orders: placed over HTTP, then confirmed or cancelled by the inventory through events ' +
    '(`order.created`, `inventory.status.updated`, `order.status.updated`).',
  operations: orderOperations,
});
