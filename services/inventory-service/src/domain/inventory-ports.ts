import type { Decide, EventDraft, ListPage, Page, Updated } from '@ecommerce/shared';
import type { InventoryTotals, Reservation, StockedProduct } from './inventory';

/** Which products a list asks for: a search in ids and names, none for all. */
export interface ProductFilter {
  search?: string;
}

/**
 * Where the products' stock is kept. Every stock step is a `decide` on the product's current
 * state, so concurrent orders for one product are applied one after another, never lost.
 */
export interface ProductRepositoryPort {
  /** A page of the products, newest first. */
  list(filter: ProductFilter, page: Page): Promise<ListPage<StockedProduct>>;
  /** Every product's id, by id, a page at a time. */
  idsInPages(): AsyncIterable<string[]>;
  /** The stock of every product added up (reads them all). */
  totals(): Promise<InventoryTotals>;
  findById(productId: string): Promise<StockedProduct | null>;
  /** Stores a new product with its events; false when one with that id exists. */
  create(product: StockedProduct, events?: EventDraft[]): Promise<boolean>;
  /** Decides the product's change against its current state and writes it (null: no such product). */
  update<R = undefined>(
    productId: string,
    decide: Decide<StockedProduct, R>,
  ): Promise<Updated<StockedProduct, R> | null>;
}

/** What the inventory decided per order, keyed by the order id, with the events it owes. */
export interface ReservationRepositoryPort {
  findByOrderId(orderId: string): Promise<Reservation | null>;
  /** Stores the reservation with its events; false when the order has one already. */
  create(reservation: Reservation, events?: EventDraft[]): Promise<boolean>;
  /** Decides the reservation's change against its current state and writes it (null: none yet). */
  update<R = undefined>(
    orderId: string,
    decide: Decide<Reservation, R>,
  ): Promise<Updated<Reservation, R> | null>;
}

/** What the inventory use cases need from the outside world. */
export interface InventoryDependencies {
  products: ProductRepositoryPort;
  reservations: ReservationRepositoryPort;
}
