import type { OrderStatus } from '@ecommerce/shared';
import { ConflictError } from '@ecommerce/shared';
import type { Order } from '../../src/domain/order';
import {
  CANCELLED_BY_CUSTOMER,
  finalise,
  cancellationOf,
  statusChangeFromInventory,
} from '../../src/domain/order-rules';

const orderWith = (status: OrderStatus): Order => ({
  id: '7c9e6679-7425-40de-944b-e07fc1f90ae7',
  userId: 'user-1',
  products: [{ productId: 'prod1', quantity: 1 }],
  totalPrice: 999.99,
  status,
  createdAt: new Date('2024-01-01T00:00:00Z'),
  updatedAt: new Date('2024-01-01T00:00:00Z'),
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
  const cause = { correlationId: 'corr-1', causationId: 'inventory-event-1' };
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
