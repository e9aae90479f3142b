import type { OrderStatus } from '@ecommerce/shared';
import { ConflictError } from '@ecommerce/shared';
import type { Order } from '../../src/domain/order';
import {
  expiryCheckIntervalMs,
  CANCELLED_BY_CUSTOMER,
  cancellationOf,
  expiryOf,
  expiryReason,
  finalise,
  statusChangeFromInventory,
} from '../../src/domain/order-rules';

const orderWith = (status: OrderStatus): Order => ({
  id: '7c9e6679-7425-40de-944b-e07fc1f90ae7',
  userId: 'user-1',
  products: [{ productId: 'prod1', quantity: 1, unitPrice: 999.99 }],
  totalPrice: 999.99,
  currency: 'EUR',
  status,
  createdAt: new Date('2024-01-01T00:00:00Z'),
  updatedAt: new Date('2024-01-01T00:00:00Z'),
  history: [],
});

describe('cancellationOf', () => {
  it('when the order is PENDING, then it becomes CANCELLED by the customer', () => {
    expect(cancellationOf(orderWith('PENDING'))).toEqual({
      status: 'CANCELLED',
      reason: 'Cancelled by customer',
    });
    expect(CANCELLED_BY_CUSTOMER).toBe('Cancelled by customer');
  });

  it('when the order is already CANCELLED, then nothing changes', () => {
    expect(cancellationOf(orderWith('CANCELLED'))).toBeNull();
  });

  it('when the order is CONFIRMED, then it is a conflict ORDER_NOT_CANCELLABLE', () => {
    let thrown: unknown;
    try {
      cancellationOf(orderWith('CONFIRMED'));
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ConflictError);
    expect(thrown).toMatchObject({
      code: 'ORDER_NOT_CANCELLABLE',
      message: 'Cannot cancel confirmed order',
    });
  });
});

describe('statusChangeFromInventory', () => {
  const orderId = '7c9e6679-7425-40de-944b-e07fc1f90ae7';

  it('when a PENDING order gets SUCCESS, then it is CONFIRMED without a reason', () => {
    expect(statusChangeFromInventory(orderWith('PENDING'), { orderId, status: 'SUCCESS' })).toEqual(
      {
        status: 'CONFIRMED',
      },
    );
  });

  it('when a PENDING order gets FAILURE with a reason, then it is CANCELLED with that reason', () => {
    const reason = 'Insufficient inventory for product prod2: requested 2, available 0';
    expect(
      statusChangeFromInventory(orderWith('PENDING'), { orderId, status: 'FAILURE', reason }),
    ).toEqual({ status: 'CANCELLED', reason });
  });

  it('when a PENDING order gets FAILURE without a reason, then it is CANCELLED with a generic reason', () => {
    expect(statusChangeFromInventory(orderWith('PENDING'), { orderId, status: 'FAILURE' })).toEqual(
      {
        status: 'CANCELLED',
        reason: 'Inventory could not reserve the products',
      },
    );
  });

  it.each([
    ['CONFIRMED', 'SUCCESS'],
    ['CONFIRMED', 'FAILURE'],
    ['CANCELLED', 'SUCCESS'],
    ['CANCELLED', 'FAILURE'],
  ] as const)('when a %s order gets %s, then its final status is kept', (status, answer) => {
    expect(
      statusChangeFromInventory(orderWith(status), { orderId, status: answer, reason: 'late' }),
    ).toBeNull();
  });
});

describe('finalise', () => {
  const answer = {
    eventId: 'inventory-event-1',
    eventType: 'inventory.status.updated',
    source: 'inventory-service',
  } as const;
  const cause = { correlationId: 'corr-1', event: answer };
  const now = new Date('2024-01-02T00:00:00Z');

  it('when there is no change, then nothing is written', () => {
    expect(finalise(orderWith('CANCELLED'), null, cause, now)).toBeNull();
  });

  it('when an order is cancelled, then it takes the status and reason, and announces it', () => {
    const pending = orderWith('PENDING');
    const change = finalise(pending, { status: 'CANCELLED', reason: 'no stock' }, cause, now);
    expect(change?.next).toEqual({
      ...pending,
      status: 'CANCELLED',
      statusReason: 'no stock',
      updatedAt: now,
      history: [{ status: 'CANCELLED', at: now, reason: 'no stock', ...answer }],
    });
    expect(change?.events).toEqual([
      expect.objectContaining({
        eventType: 'order.status.updated',
        causationId: 'inventory-event-1',
        data: expect.objectContaining({ status: 'CANCELLED', previousStatus: 'PENDING' }),
      }),
    ]);
  });

  it('when an order is confirmed, then it has no status reason', () => {
    const change = finalise(orderWith('PENDING'), { status: 'CONFIRMED' }, cause, now);
    expect(change?.next).not.toHaveProperty('statusReason');
    expect(change?.next?.status).toBe('CONFIRMED');
  });
});

describe('finalise without a causing event (a customer)', () => {
  it('when a customer cancels, then the history names the announcement as the event behind it', () => {
    const now = new Date('2024-01-02T00:00:00Z');
    const change = finalise(
      orderWith('PENDING'),
      { status: 'CANCELLED', reason: CANCELLED_BY_CUSTOMER },
      { correlationId: 'corr-1' },
      now,
    );
    const [announcement] = change?.events ?? [];
    expect(change?.next?.history).toEqual([
      {
        status: 'CANCELLED',
        at: now,
        reason: CANCELLED_BY_CUSTOMER,
        eventId: announcement.eventId,
        eventType: 'order.status.updated',
        source: 'order-service',
      },
    ]);
  });
});

describe('expiryOf', () => {
  const createdAt = new Date('2024-01-01T00:00:00Z');
  const expiresAt = new Date('2024-01-01T00:15:00Z');
  const waiting = (status: OrderStatus): Order => ({ ...orderWith(status), createdAt, expiresAt });
  const justAfter = new Date(expiresAt.getTime() + 1);

  it('when a PENDING order is past its expiresAt, then it is CANCELLED with a reason that says it expired', () => {
    expect(expiryOf(waiting('PENDING'), justAfter)).toEqual({
      status: 'CANCELLED',
      reason: 'Expired: not confirmed within 15 minutes',
    });
  });

  it('when a PENDING order is at its expiresAt, not past it, then nothing changes', () => {
    expect(expiryOf(waiting('PENDING'), expiresAt)).toBeNull();
  });

  it('when a PENDING order has no expiresAt (stored before orders had one), then nothing changes', () => {
    expect(expiryOf({ ...orderWith('PENDING'), createdAt }, justAfter)).toBeNull();
  });

  it.each(['CONFIRMED', 'CANCELLED'] as const)(
    'when the order is %s, then nothing changes',
    (status) => {
      expect(expiryOf(waiting(status), justAfter)).toBeNull();
    },
  );

  it.each([
    [60_000, 'Expired: not confirmed within 1 minute'],
    [90_000, 'Expired: not confirmed within 90 seconds'],
    [1_500, 'Expired: not confirmed within 1500 milliseconds'],
  ])('when the wait was %i ms, then the reason says %s', (ms, reason) => {
    expect(expiryReason(ms)).toBe(reason);
  });
});

describe('expiryCheckIntervalMs', () => {
  it.each([
    [15 * 60_000, 10_000],
    [60_000, 6_000],
    [1_500, 150],
    [100, 100],
  ])('when the timeout is %i ms, then the instances look every %i ms', (timeoutMs, everyMs) => {
    expect(expiryCheckIntervalMs(timeoutMs)).toBe(everyMs);
  });
});
