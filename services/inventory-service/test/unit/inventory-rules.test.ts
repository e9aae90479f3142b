import type { OrderLine } from '@ecommerce/shared';
import type { Reservation, ReservationStatus } from '../../src/domain/inventory';
import {
  decidedReservation,
  insufficientInventoryReason,
  linesToGiveBack,
  settlement,
  tombstone,
  unknownProductReason,
} from '../../src/domain/inventory-rules';

const now = new Date('2024-01-01T00:00:00Z');
const lines: OrderLine[] = [
  { productId: 'prod1', quantity: 1 },
  { productId: 'prod2', quantity: 2 },
];

const reservation = (status: ReservationStatus): Reservation => ({
  orderId: 'order-1',
  status,
  lines,
  createdAt: now,
  updatedAt: now,
});

describe('decidedReservation', () => {
  it('when every line is held, then the reservation is stored RESERVED', () => {
    expect(decidedReservation('order-1', lines, { status: 'SUCCESS' }, now)).toEqual(
      reservation('RESERVED'),
    );
  });

  it('when a line falls short, then it is stored REJECTED with the reason', () => {
    expect(
      decidedReservation('order-1', lines, { status: 'FAILURE', reason: 'short' }, now),
    ).toEqual({ ...reservation('REJECTED'), reason: 'short' });
  });
});

describe('linesToGiveBack', () => {
  const placed = [lines[1]];

  it('when the reservation stored first is RESERVED, then every hold stays', () => {
    expect(linesToGiveBack(reservation('RESERVED'), lines, placed)).toEqual([]);
  });

  it('when it is COMMITTED, then only the holds this attempt placed anew go back', () => {
    expect(linesToGiveBack(reservation('COMMITTED'), lines, placed)).toEqual(placed);
  });

  it.each<ReservationStatus>(['REJECTED', 'RELEASED', 'VOIDED'])(
    'when it is %s (it holds nothing), then every line goes back, holds found included',
    (status) => {
      expect(linesToGiveBack(reservation(status), lines, placed)).toEqual(lines);
    },
  );
});

describe('settlement', () => {
  it('when the units are held, then CONFIRMED commits them and CANCELLED releases them', () => {
    expect(settlement('CONFIRMED', now)(reservation('RESERVED'))?.next?.status).toBe('COMMITTED');
    expect(settlement('CANCELLED', now)(reservation('RESERVED'))?.next?.status).toBe('RELEASED');
  });

  it.each<ReservationStatus>(['REJECTED', 'COMMITTED', 'RELEASED', 'VOIDED'])(
    'when the reservation is already %s, then a late or repeated status changes nothing',
    (status) => {
      expect(settlement('CANCELLED', now)(reservation(status))).toBeNull();
      expect(settlement('CONFIRMED', now)(reservation(status))).toBeNull();
    },
  );

  it('when a cancellation comes first, then its tombstone holds nothing', () => {
    expect(tombstone('order-1', now)).toEqual({
      orderId: 'order-1',
      status: 'VOIDED',
      lines: [],
      createdAt: now,
      updatedAt: now,
    });
  });
});

describe('reasons', () => {
  it('when stock falls short, then the reason has the contract wording', () => {
    expect(insufficientInventoryReason('prod2', 2, 0)).toBe(
      'Insufficient inventory for product prod2: requested 2, available 0',
    );
    expect(unknownProductReason('nope')).toBe('Unknown product nope');
  });
});
