import type { Change, EventDataByType } from '@ecommerce/shared';
import type { HistoryEntry, Order, StatusChange } from './order';
import { OrderNotCancellableError } from './order-errors';
import type { Cause } from './order-events';
import { orderStatusUpdated } from './order-events';

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
      throw new OrderNotCancellableError();
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

/**
 * What the expiry does to a PENDING order whose `expiresAt` has passed: it is cancelled, saying
 * so. One that is final already, or not yet overdue, keeps its status (null): whichever comes
 * first, the inventory's answer or the expiry, wins.
 */
export function expiryOf(order: Order, now: Date): StatusChange | null {
  if (order.status !== 'PENDING' || !order.expiresAt || order.expiresAt >= now) return null;
  const pendingMs = order.expiresAt.getTime() - order.createdAt.getTime();
  return { status: 'CANCELLED', reason: expiryReason(pendingMs) };
}

/**
 * How often each instance looks for overdue orders: an order expires at most this late, a tenth
 * of its timeout, kept between 100 ms and 10 s.
 */
export function expiryCheckIntervalMs(pendingTimeoutMs: number): number {
  return Math.min(10_000, Math.max(100, Math.round(pendingTimeoutMs / 10)));
}

export function expiryReason(pendingMs: number): string {
  return `Expired: not confirmed within ${describeDuration(pendingMs)}`;
}

function describeDuration(ms: number): string {
  const [amount, unit] =
    ms % 60_000 === 0
      ? [ms / 60_000, 'minute']
      : ms % 1000 === 0
        ? [ms / 1000, 'second']
        : [ms, 'millisecond'];
  return `${amount} ${unit}${amount === 1 ? '' : 's'}`;
}

/**
 * The order's store change for a status change: the order in its final status with the step in
 * its history, and the `order.status.updated` that tells the inventory and the customer. Null
 * when nothing changes.
 */
export function finalise(
  order: Order,
  change: StatusChange | null,
  cause: Cause,
  now: Date = new Date(),
): Change<Order> | null {
  if (!change) return null;
  const announcement = orderStatusUpdated(order, change, cause);
  const next: Order = {
    ...order,
    status: change.status,
    updatedAt: now,
    history: [...order.history, historyEntry(change, now, cause.event ?? announcement)],
  };
  // A final order waits for nothing: it leaves the expiry's index.
  delete next.expiresAt;
  // Only a cancellation has a reason; an order never keeps an earlier one.
  if (change.reason === undefined) delete next.statusReason;
  else next.statusReason = change.reason;
  return { next, events: [announcement] };
}

/** A step of the order's history, with the event behind it. */
export function historyEntry(
  change: { status: Order['status']; reason?: string },
  at: Date,
  event: Pick<HistoryEntry, 'eventId' | 'eventType' | 'source'>,
): HistoryEntry {
  return {
    status: change.status,
    at,
    ...(change.reason !== undefined && { reason: change.reason }),
    eventId: event.eventId,
    eventType: event.eventType,
    source: event.source,
  };
}
