import type { Decide, EventDraft, ListPage, OrderStatus, Page, Updated } from '@ecommerce/shared';
import type { Order } from './order';

/** Told of each order placed and of each status it reaches afterwards (metrics); never throws. */
export interface OrderLifecycle {
  statusReached(order: Order): void;
}

/** Which orders a list asks for; an absent key does not filter. */
export interface OrderFilter {
  userId?: string;
  status?: OrderStatus;
}

/**
 * Where the orders are kept. Every change is a `decide` on the order's current state, written
 * with the events it causes in one step, so a use case never writes an order without its event.
 */
export interface OrderRepositoryPort {
  /** Stores a new order with its first event; false when an order with that id exists. */
  insert(order: Order, event: EventDraft): Promise<boolean>;
  findById(id: string): Promise<Order | null>;
  /** Decides the order's change against its current state and writes it (null: no such order). */
  update<R = undefined>(id: string, decide: Decide<Order, R>): Promise<Updated<Order, R> | null>;
  /** Newest first. */
  list(filter: OrderFilter, page: Page): Promise<ListPage<Order>>;
}

/** What an `Idempotency-Key` stands for: the order it fixed and the request it came with. */
export interface IdempotencyClaim {
  orderId: string;
  requestFingerprint: string;
}

export interface IdempotencyKeyRepositoryPort {
  /**
   * Stores the key for this request and order, or returns what it already stands for: of
   * concurrent claims of one key, exactly one wins.
   */
  claim(key: string, candidate: IdempotencyClaim): Promise<IdempotencyClaim>;
}

/** What the order use cases need from the outside world. */
export interface OrderDependencies {
  orders: OrderRepositoryPort;
  idempotencyKeys: IdempotencyKeyRepositoryPort;
  lifecycle: OrderLifecycle;
}
