import type { Decide, EventDraft, ListPage, OrderStatus, Page, Updated } from '@ecommerce/shared';
import type { Order, OrderView } from './order';
import type { ProductPrice } from './product-price';

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
  /** Stores a new order with its first events; false when an order with that id exists. */
  insert(order: Order, events: EventDraft[]): Promise<boolean>;
  findById(id: string): Promise<Order | null>;
  /** Decides the order's change against its current state and writes it (null: no such order). */
  update<R = undefined>(id: string, decide: Decide<Order, R>): Promise<Updated<Order, R> | null>;
  /** Newest first. */
  list(filter: OrderFilter, page: Page): Promise<ListPage<OrderView>>;
  /**
   * The ids of at most `limit` orders whose `expiresAt` is before `now`, in no particular order:
   * one read of an index that holds only the PENDING orders' entries in that range.
   */
  findOverdue(now: Date, limit: number): Promise<string[]>;
}

/** Which products a price-list page asks for: a search in ids and names, none for all. */
export interface PriceFilter {
  search?: string;
}

/** The order service's copy of the catalogue's prices, one entry per product. */
export interface PriceListPort {
  /** The entries of these products that the list has (one read each, by id). */
  findMany(productIds: string[]): Promise<Map<string, ProductPrice>>;
  findById(productId: string): Promise<ProductPrice | null>;
  /** Stores a new entry; false when the product has one already. */
  create(price: ProductPrice): Promise<boolean>;
  update(productId: string, decide: Decide<ProductPrice>): Promise<Updated<ProductPrice> | null>;
  /** Newest first. */
  list(filter: PriceFilter, page: Page): Promise<ListPage<ProductPrice>>;
  isEmpty(): Promise<boolean>;
}

/** A request for the inventory's whole catalogue, stored with its event (see requestCatalogue). */
export interface CatalogueRequestPort {
  create(requestId: string, event: EventDraft): Promise<boolean>;
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
  /** What the key stands for, if it was claimed. */
  find(key: string): Promise<IdempotencyClaim | null>;
}

/** What the order use cases need from the outside world. */
export interface OrderDependencies {
  orders: OrderRepositoryPort;
  idempotencyKeys: IdempotencyKeyRepositoryPort;
  prices: PriceListPort;
  lifecycle: OrderLifecycle;
  policy: OrderPolicy;
}

/** The shop's settings the use cases follow. */
export interface OrderPolicy {
  /** How long an order may stay PENDING before it expires (ORDER_PENDING_TIMEOUT_MS). */
  pendingTimeoutMs: number;
}
