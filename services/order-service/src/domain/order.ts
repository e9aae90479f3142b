import type { Contact, OrderLine, OrderStatus } from '@ecommerce/shared';

/** An order as the service's domain and API see it (the stored document has more: its outbox). */
export interface Order {
  id: string;
  userId: string;
  products: OrderLine[];
  totalPrice: number;
  contact?: Contact;
  status: OrderStatus;
  statusReason?: string;
  createdAt: Date;
  updatedAt: Date;
}

export interface NewOrderRequest {
  userId: string;
  products: OrderLine[];
  totalPrice: number;
  contact?: Contact;
}

export type FinalStatus = Exclude<OrderStatus, 'PENDING'>;

/** An order leaving PENDING: to which final status, and why (a cancellation's reason). */
export interface StatusChange {
  status: FinalStatus;
  reason?: string;
}
