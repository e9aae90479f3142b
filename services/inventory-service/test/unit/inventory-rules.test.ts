import type { Reservation, ReservationStatus } from '../../src/domain/inventory';
import {
  insufficientInventoryReason,
  onOrderCreated,
  onOrderFinalised,
  summarise,
  unknownProductReason,
} from '../../src/domain/inventory-rules';

const reservation = (status: ReservationStatus): Reservation => ({
  orderId: 'order-1',
  status,
  lines: [{ productId: 'prod1', quantity: 1 }],
});

describe('onOrderCreated', () => {
  it('when the inventory knows nothing of the order, then it reserves', () => {
    expect(onOrderCreated(null)).toBe('reserve');
  });

  it('when a reservation was interrupted mid-way, then it resumes', () => {
    expect(onOrderCreated(reservation('RESERVING'))).toBe('resume');
  });

  it.each<ReservationStatus>(['RESERVED', 'REJECTED', 'COMMITTED', 'RELEASED', 'VOIDED'])(
    'when the reservation is %s, then the event changes nothing',
    (status) => {
      expect(onOrderCreated(reservation(status))).toBe('ignore');
    },
  );
});

describe('onOrderFinalised', () => {
  it('when a cancellation arrives before its order.created, then it leaves a tombstone', () => {
    expect(onOrderFinalised(null, 'CANCELLED')).toBe('void');
  });

  it('when a confirmation arrives for an order never reserved, then nothing happens', () => {
    expect(onOrderFinalised(null, 'CONFIRMED')).toBe('ignore');
  });

  it('when the reservation is still being placed, then the event waits (is retried)', () => {
    expect(onOrderFinalised(reservation('RESERVING'), 'CANCELLED')).toBe('wait');
    expect(onOrderFinalised(reservation('RESERVING'), 'CONFIRMED')).toBe('wait');
  });

  it('when the units are held, then CONFIRMED commits them and CANCELLED releases them', () => {
    expect(onOrderFinalised(reservation('RESERVED'), 'CONFIRMED')).toBe('commit');
    expect(onOrderFinalised(reservation('RESERVED'), 'CANCELLED')).toBe('release');
  });

  it.each<ReservationStatus>(['REJECTED', 'COMMITTED', 'RELEASED', 'VOIDED'])(
    'when the reservation is already %s, then a late or repeated status changes nothing',
    (status) => {
      expect(onOrderFinalised(reservation(status), 'CANCELLED')).toBe('ignore');
      expect(onOrderFinalised(reservation(status), 'CONFIRMED')).toBe('ignore');
    },
  );
});

describe('reasons and totals', () => {
  it('when stock falls short, then the reason has the contract wording', () => {
    expect(insufficientInventoryReason('prod2', 2, 0)).toBe(
      'Insufficient inventory for product prod2: requested 2, available 0',
    );
    expect(unknownProductReason('nope')).toBe('Unknown product nope');
  });

  it('when products are summarised, then the totals add up their units', () => {
    const updatedAt = new Date();
    const summary = summarise([
      { productId: 'a', name: 'A', available: 3, reserved: 1, updatedAt },
      { productId: 'b', name: 'B', available: 0, reserved: 2, updatedAt },
    ]);
    expect(summary).toMatchObject({ totalProducts: 2, totalAvailable: 3, totalReserved: 3 });
  });
});
