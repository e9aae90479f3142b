import { parseEvent } from '@ecommerce/shared';
import { SERVICE_NAME } from '../../src/config';
import type { Order } from '../../src/domain/order';
import { orderCreated, orderStatusUpdated } from '../../src/domain/order-events';

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

const order = (overrides: Partial<Order> = {}): Order => ({
  id: '7c9e6679-7425-40de-944b-e07fc1f90ae7',
  userId: 'user-1',
  products: [
    { productId: 'prod1', quantity: 1, unitPrice: 999.5 },
    { productId: 'prod2', quantity: 2, unitPrice: 50 },
  ],
  totalPrice: 1099.5,
  currency: 'EUR',
  contact: { email: 'ada@example.com', phone: '+4915112345678' },
  status: 'PENDING',
  createdAt: new Date('2024-01-01T00:00:00Z'),
  updatedAt: new Date('2024-01-01T00:00:00Z'),
  history: [],
  ...overrides,
});

const withoutContact = (): Order => {
  const placed = order();
  delete placed.contact;
  return placed;
};

describe('orderCreated', () => {
  it('when an order is placed, then its order.created is the first event about it', () => {
    const placed = order();
    expect(orderCreated(placed, 'corr-1')).toEqual({
      eventId: expect.stringMatching(UUID_V4),
      eventType: 'order.created',
      schemaVersion: 1,
      occurredAt: expect.any(String),
      source: 'order-service',
      correlationId: 'corr-1',
      causationId: null,
      aggregateId: placed.id,
      data: {
        orderId: placed.id,
        userId: 'user-1',
        products: placed.products,
        totalPrice: 1099.5,
        currency: 'EUR',
        contact: placed.contact,
      },
    });
    expect(SERVICE_NAME).toBe('order-service');
  });

  it('when the order has no contact, then the event data has no contact key', () => {
    const event = orderCreated(withoutContact(), 'corr-1');
    expect(event.data).not.toHaveProperty('contact');
    expect(Object.keys(event.data)).toEqual([
      'orderId',
      'userId',
      'products',
      'totalPrice',
      'currency',
    ]);
  });

  it('when the event goes over the wire, then consumers parse it unchanged', () => {
    for (const placed of [order(), withoutContact()]) {
      const event = { ...orderCreated(placed, 'corr-1'), sequence: 1 };
      expect(parseEvent(JSON.stringify(event))).toEqual(event);
    }
  });

  it('when the order has a status reason, then order.created data does not carry it', () => {
    expect(orderCreated(order({ statusReason: 'x' }), 'corr-1').data).not.toHaveProperty(
      'statusReason',
    );
  });
});

describe('orderStatusUpdated', () => {
  it('when an inventory answer confirms an order, then the event carries its sequence, causation and previous status', () => {
    const pending = order();
    const event = orderStatusUpdated(
      pending,
      { status: 'CONFIRMED' },
      {
        correlationId: 'corr-1',
        event: {
          eventId: 'inventory-event-1',
          eventType: 'inventory.status.updated',
          source: 'inventory-service',
        },
      },
    );
    expect(event).toEqual({
      eventId: expect.stringMatching(UUID_V4),
      eventType: 'order.status.updated',
      schemaVersion: 1,
      occurredAt: expect.any(String),
      source: 'order-service',
      correlationId: 'corr-1',
      causationId: 'inventory-event-1',
      aggregateId: pending.id,
      data: {
        orderId: pending.id,
        userId: 'user-1',
        status: 'CONFIRMED',
        previousStatus: 'PENDING',
        totalPrice: 1099.5,
        currency: 'EUR',
        contact: pending.contact,
      },
    });
    expect(event.data).not.toHaveProperty('reason');
  });

  it('when a customer cancels, then there is no causation event and the reason is carried', () => {
    const event = orderStatusUpdated(
      order(),
      { status: 'CANCELLED', reason: 'Cancelled by customer' },
      { correlationId: 'corr-2' },
    );
    expect(event.causationId).toBeNull();
    expect(event).not.toHaveProperty('sequence'); // the order's store numbers it
    expect(event.correlationId).toBe('corr-2');
    expect(event.data).toMatchObject({
      status: 'CANCELLED',
      previousStatus: 'PENDING',
      reason: 'Cancelled by customer',
    });
  });

  it('when the order has no contact, then the event data has no contact key', () => {
    const event = orderStatusUpdated(
      withoutContact(),
      { status: 'CANCELLED', reason: 'Insufficient inventory' },
      { correlationId: 'corr-1' },
    );
    expect(event.data).not.toHaveProperty('contact');
  });

  it('when the event goes over the wire, then consumers parse it unchanged', () => {
    const event = {
      ...orderStatusUpdated(
        withoutContact(),
        { status: 'CANCELLED', reason: 'Cancelled by customer' },
        {
          correlationId: 'corr-1',
          event: {
            eventId: 'cause-1',
            eventType: 'inventory.status.updated',
            source: 'inventory-service',
          },
        },
      ),
      sequence: 2,
    };
    expect(parseEvent(JSON.stringify(event))).toEqual(event);
  });
});
