import type { IdempotencyKeyRepository } from '../data-access/idempotency-key-repository';
import type { OrderRepository } from '../data-access/order-repository';

/** What the order use cases need from the outside world. */
export interface OrderDependencies {
  orders: OrderRepository;
  idempotencyKeys: IdempotencyKeyRepository;
}
