import type { Change, OrderLine } from '@ecommerce/shared';
import type { Reservation } from './inventory';
import type { ReservationOutcome } from './inventory-events';

export function insufficientInventoryReason(
  productId: string,
  requested: number,
  available: number,
): string {
  return `Insufficient inventory for product ${productId}: requested ${requested}, available ${available}`;
}

export function unknownProductReason(productId: string): string {
  return `Unknown product ${productId}`;
}

/**
 * The reservation of an order, decided: RESERVED when every line is held, else REJECTED with
 * the reason. Stored once, with its `inventory.status.updated` in the same write.
 */
export function decidedReservation(
  orderId: string,
  lines: OrderLine[],
  outcome: ReservationOutcome,
  now: Date = new Date(),
): Reservation {
  return {
    orderId,
    lines,
    createdAt: now,
    updatedAt: now,
    ...(outcome.status === 'SUCCESS'
      ? { status: 'RESERVED' }
      : { status: 'REJECTED', reason: outcome.reason }),
  };
}

/** The tombstone of an order cancelled before its order.created arrived. */
export function tombstone(orderId: string, now: Date = new Date()): Reservation {
  return { orderId, status: 'VOIDED', lines: [], createdAt: now, updatedAt: now };
}

/**
 * When a reservation of the order was stored first (a repeat, or the tombstone of a cancellation
 * that came first), which of the lines this attempt holds it must give back. A RESERVED one keeps
 * every hold. A COMMITTED one is being taken out of stock, holds found included: only what this
 * attempt placed anew goes back. Any other holds nothing, so every line goes back (also a hold
 * left by an attempt that crashed before storing its reservation).
 */
export function linesToGiveBack(
  existing: Reservation | null,
  lines: OrderLine[],
  placedByThisAttempt: OrderLine[],
): OrderLine[] {
  switch (existing?.status) {
    case 'RESERVED':
      return [];
    case 'COMMITTED':
      return placedByThisAttempt;
    default:
      return lines;
  }
}

/**
 * What a final order status does to the order's reservation: CONFIRMED commits a RESERVED one,
 * CANCELLED releases it. Anything else changes nothing: a repeat finds it settled, a REJECTED or
 * VOIDED reservation holds nothing.
 */
export function settlement(
  status: 'CONFIRMED' | 'CANCELLED',
  now: Date = new Date(),
): (reservation: Reservation) => Change<Reservation> | null {
  return (reservation) => {
    if (reservation.status !== 'RESERVED') return null;
    return {
      next: {
        ...reservation,
        status: status === 'CONFIRMED' ? 'COMMITTED' : 'RELEASED',
        updatedAt: now,
      },
    };
  };
}
