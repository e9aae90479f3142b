import type { Registry } from 'prom-client';
import { Counter, Histogram } from 'prom-client';
import type { OrderLifecycle } from './domain/order-ports';

/**
 * The order service's own metrics, on the service's registry (served at /metrics):
 * `order_status_changes_total{status}` (a placed order counts as PENDING) and
 * `order_completion_duration_seconds{status}`, from placed to CONFIRMED or CANCELLED.
 */
export function orderMetrics(registry: Registry): OrderLifecycle {
  const statusChanges = new Counter({
    name: 'order_status_changes_total',
    help: 'Orders reaching a status: PENDING when placed, then CONFIRMED or CANCELLED',
    labelNames: ['status'] as const,
    registers: [registry],
  });
  const completion = new Histogram({
    name: 'order_completion_duration_seconds',
    help: 'Time from an order being placed to its final status, by that status',
    labelNames: ['status'] as const,
    buckets: [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers: [registry],
  });
  return {
    statusReached(order) {
      statusChanges.inc({ status: order.status });
      if (order.status === 'PENDING') return;
      const seconds = (order.updatedAt.getTime() - order.createdAt.getTime()) / 1000;
      completion.observe({ status: order.status }, seconds);
    },
  };
}
