import type { IdempotencyKeyRepository } from '../data-access/idempotency-key-repository';
import type { OrderRepository } from '../data-access/order-repository';
import type { Order } from './order';

/** Told of each order placed and of each status it reaches afterwards (metrics); never throws. */
export interface OrderLifecycle {
  statusReached(order: Order): void;
}

/** What the order use cases need from the outside world. */
export interface OrderDependencies {
  orders: OrderRepository;
  idempotencyKeys: IdempotencyKeyRepository;
  lifecycle: OrderLifecycle;
}
