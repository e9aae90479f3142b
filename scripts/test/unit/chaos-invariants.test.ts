import type { FinalState } from '../../chaos/invariants';
import { checkInvariants } from '../../chaos/invariants';

/** Two orders answered 201 (one confirmed, one cancelled) and one request that got no answer. */
function healthyState(): FinalState {
  return {
    attempts: [
      {
        userId: 'u1',
        lines: [{ productId: 'p', quantity: 2 }],
        status: 201,
        orderId: 'o1',
        answeredAt: 1_000,
      },
      {
        userId: 'u2',
        lines: [{ productId: 'p', quantity: 1 }],
        status: 201,
        orderId: 'o2',
        answeredAt: 3_000,
      },
      { userId: 'u3', lines: [{ productId: 'p', quantity: 3 }], status: null, error: 'reset' },
    ],
    orders: [
      { id: 'o1', userId: 'u1', status: 'CONFIRMED', products: [{ productId: 'p', quantity: 2 }] },
      { id: 'o2', userId: 'u2', status: 'CANCELLED', products: [{ productId: 'p', quantity: 1 }] },
      { id: 'o3', userId: 'u3', status: 'CONFIRMED', products: [{ productId: 'p', quantity: 3 }] },
    ],
    initialStock: new Map([['p', 10]]),
    products: [{ productId: 'p', available: 5, reserved: 0 }],
    notifications: [
      { orderId: 'o1', template: 'order_confirmation', type: 'log', status: 'SENT' },
      { orderId: 'o2', template: 'order_cancelled', type: 'log', status: 'SENT' },
      { orderId: 'o3', template: 'order_confirmation', type: 'log', status: 'SENT' },
    ],
    deadLetters: { 'order-service': 0, 'inventory-service': 0, 'notification-service': 0 },
    health: { 'order-service': 200, 'inventory-service': 200, 'notification-service': 200 },
    faultsOverAt: [2_000],
  };
}

const broken = (state: FinalState) =>
  checkInvariants(state)
    .filter((result) => !result.held)
    .map((result) => result.invariant);

describe('checkInvariants', () => {
  it('when the system kept every promise, then every invariant holds', () => {
    expect(broken(healthyState())).toEqual([]);
  });

  it.each<[string, (state: FinalState) => void, string]>([
    [
      'no order was taken after a fault',
      (state) => state.faultsOverAt.push(5_000),
      'orders kept being taken: most answered 201, and some after every fault',
    ],
    [
      'most requests failed',
      (state) => (state.attempts[1].status = 503),
      'orders kept being taken: most answered 201, and some after every fault',
    ],
    [
      'an order answered 201 is gone',
      (state) => state.orders.splice(0, 1),
      'every order answered 201 exists and is final',
    ],
    [
      'an order answered 201 is still PENDING',
      (state) => (state.orders[0].status = 'PENDING'),
      'every order answered 201 exists and is final',
    ],
    [
      'a request without an answer made two orders',
      (state) => state.orders.push({ ...state.orders[2], id: 'o4' }),
      'a request without a 201 made one final order or none',
    ],
    [
      'an order nobody sent is stored',
      (state) => state.orders.push({ ...state.orders[1], id: 'o9', userId: 'stranger' }),
      'every stored order was asked for, once, with the lines asked for',
    ],
    [
      'a request was answered 400',
      (state) => (state.attempts[2].status = 400),
      'no answer but 201 or 5xx (bad input never sent)',
    ],
    [
      'a unit is still reserved',
      (state) => Object.assign(state.products[0], { available: 4, reserved: 1 }),
      'stock exact: sold = confirmed units, nothing reserved, never below zero',
    ],
    [
      'a unit was sold twice',
      (state) => (state.products[0].available = 4),
      'stock exact: sold = confirmed units, nothing reserved, never below zero',
    ],
    [
      'an order was notified twice',
      (state) => state.notifications.push({ ...state.notifications[0] }),
      'exactly one notification per order, status and channel, sent',
    ],
    [
      'an order was never notified',
      (state) => state.notifications.splice(1, 1),
      'exactly one notification per order, status and channel, sent',
    ],
    [
      'a notification failed',
      (state) => (state.notifications[0].status = 'FAILED'),
      'exactly one notification per order, status and channel, sent',
    ],
    [
      'a message was dead-lettered',
      (state) => (state.deadLetters['inventory-service'] = 1),
      'nothing in a dead-letter queue',
    ],
    [
      'a service is unhealthy',
      (state) => (state.health['order-service'] = 503),
      'every service healthy at the end',
    ],
  ])('when %s, then that invariant is broken', (_, breakIt, invariant) => {
    const state = healthyState();
    breakIt(state);
    expect(broken(state)).toContain(invariant);
  });
});
