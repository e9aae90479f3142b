import type { Contact, OrderLine, OrderStatus, PricedLine } from '@ecommerce/shared';

/** An order as the service's domain and API see it (the stored document has more: its outbox). */
export interface Order {
  id: string;
  userId: string;
  /** Each line with its unit price when the order was placed. */
  products: PricedLine[];
  /** Σ quantity × unitPrice, summed in minor units. */
  totalPrice: number;
  currency: string;
  contact?: Contact;
  status: OrderStatus;
  statusReason?: string;
  /**
   * While the order is PENDING: when it expires unless the inventory has answered (placed +
   * ORDER_PENDING_TIMEOUT_MS). A final order has none, so that the expiry's index holds only the
   * orders still waiting.
   */
  expiresAt?: Date;
  createdAt: Date;
  updatedAt: Date;
  /** How the order got where it is, oldest first: its placement and each status change. */
  history: HistoryEntry[];
}

/** An order without its history: what the order routes answer. */
export type OrderView = Omit<Order, 'history'>;

/**
 * One step of an order's history, with the event behind it: the inventory's answer, or, for a
 * placement, a customer's cancellation or an expiry, the order service's own event.
 */
export interface HistoryEntry {
  status: OrderStatus;
  at: Date;
  reason?: string;
  eventId: string;
  eventType: string;
  source: string;
}

/** What a customer asks for; the service prices it. */
export interface NewOrderRequest {
  userId: string;
  products: OrderLine[];
  /** The total the customer saw; when it is not the current one, the order is refused. */
  totalPrice?: number;
  contact?: Contact;
}

export type FinalStatus = Exclude<OrderStatus, 'PENDING'>;

/** An order leaving PENDING: to which final status, and why (a cancellation's reason). */
export interface StatusChange {
  status: FinalStatus;
  reason?: string;
}
