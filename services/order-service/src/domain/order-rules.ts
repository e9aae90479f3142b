import type { EventDataByType, OrderStatus } from '@ecommerce/shared';
import { conflict } from '@ecommerce/shared';
import type { Order } from './order';

export type FinalStatus = Exclude<OrderStatus, 'PENDING'>;

export interface StatusChange {
  status: FinalStatus;
  reason?: string;
}

export const CANCELLED_BY_CUSTOMER = 'Cancelled by customer';

/**
 * A customer may cancel an order while it is PENDING. Cancelling a cancelled order again changes
 * nothing (null); a confirmed order cannot be cancelled.
 */
export function cancellationOf(order: Order): StatusChange | null {
  switch (order.status) {
    case 'PENDING':
      return { status: 'CANCELLED', reason: CANCELLED_BY_CUSTOMER };
    case 'CANCELLED':
      return null;
    case 'CONFIRMED':
      throw conflict('ORDER_NOT_CANCELLABLE', 'Cannot cancel confirmed order');
  }
}

/**
 * What the inventory's answer does to an order: a PENDING order is confirmed when its stock was
 * reserved and cancelled with the inventory's reason when it was not. An order that is no longer
 * PENDING keeps its status (null): a late or repeated answer never undoes a final state.
 */
export function statusChangeFromInventory(
  order: Order,
  result: EventDataByType['inventory.status.updated'],
): StatusChange | null {
  if (order.status !== 'PENDING') return null;
  return result.status === 'SUCCESS'
    ? { status: 'CONFIRMED' }
    : { status: 'CANCELLED', reason: result.reason ?? 'Inventory could not reserve the products' };
}
