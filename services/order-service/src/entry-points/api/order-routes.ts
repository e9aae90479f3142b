import { createHash } from 'node:crypto';
import { Router } from 'express';
import { currentCorrelationId, validate, validateBody } from '@ecommerce/shared';
import { cancelOrder } from '../../domain/cancel-order';
import { OrderNotFoundError } from '../../domain/order-errors';
import type { Order, OrderView } from '../../domain/order';
import type { OrderDependencies } from '../../domain/order-ports';
import { placeOrder } from '../../domain/place-order';
import {
  idempotencyKeyHeader,
  listOrdersQuery,
  newOrderBody,
  orderIdParam,
} from './order-request-schemas';

export function orderRouter(dependencies: OrderDependencies): Router {
  const router = Router();

  router.post('/orders', async (req, res) => {
    const request = validateBody(newOrderBody, req.body, 'Order');
    const key = validate(idempotencyKeyHeader, req.get('idempotency-key'), 'Idempotency-Key');
    const { order, created } = await placeOrder(request, dependencies, {
      correlationId: currentCorrelationId(),
      ...(key !== undefined && { idempotency: { key, fingerprint: fingerprintOf(req.body) } }),
    });
    res.status(created ? 201 : 200).json(viewOf(order));
  });

  router.get('/orders', async (req, res) => {
    const { userId, status, limit, offset } = validate(listOrdersQuery, req.query, 'Query');
    const found = await dependencies.orders.list({ userId, status }, { limit, offset });
    res.json({ ...found, limit, offset });
  });

  router.get('/orders/:id', async (req, res) => {
    const id = validate(orderIdParam, req.params.id, 'Order id');
    const order = await dependencies.orders.findById(id);
    if (!order) throw new OrderNotFoundError(id);
    res.json(viewOf(order));
  });

  router.get('/orders/:id/history', async (req, res) => {
    const id = validate(orderIdParam, req.params.id, 'Order id');
    const order = await dependencies.orders.findById(id);
    if (!order) throw new OrderNotFoundError(id);
    res.json({ items: order.history });
  });

  router.delete('/orders/:id', async (req, res) => {
    const id = validate(orderIdParam, req.params.id, 'Order id');
    res.json(viewOf(await cancelOrder(id, dependencies, currentCorrelationId())));
  });

  return router;
}

/** An order as the routes answer it: its history has a route of its own. */
function viewOf({ history, ...order }: Order): OrderView {
  return order;
}

/** Bodies that are equal as parsed JSON get the same fingerprint, whatever their key order. */
export function fingerprintOf(body: unknown): string {
  return createHash('sha256').update(canonicalJson(body)).digest('hex');
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value);
}
