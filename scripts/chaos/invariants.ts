import type { ServiceName } from '@ecommerce/tests-e2e';
import type { Attempt } from './load';

/** What the system holds once it is quiet, read through its API. */
export interface FinalState {
  attempts: Attempt[];
  orders: {
    id: string;
    userId: string;
    status: string;
    products: { productId: string; quantity: number }[];
  }[];
  /** Units each product was created with. */
  initialStock: Map<string, number>;
  products: { productId: string; available: number; reserved: number }[];
  notifications: { orderId?: string; template: string; type: string; status: string }[];
  deadLetters: Record<ServiceName, number>;
  health: Record<ServiceName, number>;
  /** When each fault was over (the server back, the route restored), epoch ms. */
  faultsOverAt: number[];
}

export interface InvariantResult {
  invariant: string;
  held: boolean;
  /** The first few violations, for the report. */
  violations: string[];
}

const TEMPLATE_OF: Record<string, string> = {
  CONFIRMED: 'order_confirmation',
  CANCELLED: 'order_cancelled',
};

/** The invariants that must hold after any run of faults, however the faults fell. */
export function checkInvariants(state: FinalState): InvariantResult[] {
  const ordersById = new Map(state.orders.map((order) => [order.id, order]));
  const ordersByUser = new Map<string, typeof state.orders>();
  for (const order of state.orders) {
    ordersByUser.set(order.userId, [...(ordersByUser.get(order.userId) ?? []), order]);
  }
  const final = (status: string | undefined) => status === 'CONFIRMED' || status === 'CANCELLED';
  const results: InvariantResult[] = [];
  const holds = (invariant: string, violations: string[]) =>
    results.push({ invariant, held: violations.length === 0, violations: violations.slice(0, 5) });

  // Liveness first: a system that took no order would keep every other promise.
  const accepted = state.attempts.filter((attempt) => attempt.status === 201);
  holds('orders kept being taken: most answered 201, and some after every fault', [
    ...(accepted.length * 2 < state.attempts.length
      ? [`${accepted.length} of ${state.attempts.length} requests answered 201`]
      : []),
    ...state.faultsOverAt
      .filter((overAt) => !accepted.some((attempt) => (attempt.answeredAt ?? 0) > overAt))
      .map(
        (overAt) =>
          `no order taken after the fault that ended at ${new Date(overAt).toISOString()}`,
      ),
  ]);

  holds(
    'every order answered 201 exists and is final',
    state.attempts
      .filter((attempt) => attempt.status === 201)
      .flatMap((attempt) => {
        const order = attempt.orderId ? ordersById.get(attempt.orderId) : undefined;
        if (!order) return [`order ${attempt.orderId} (${attempt.userId}) answered 201 is missing`];
        return final(order.status) ? [] : [`order ${order.id} is still ${order.status}`];
      }),
  );

  holds(
    'a request without a 201 made one final order or none',
    state.attempts
      .filter((attempt) => attempt.status !== 201)
      .flatMap((attempt) => {
        const made = ordersByUser.get(attempt.userId) ?? [];
        if (made.length > 1) return [`${attempt.userId} made ${made.length} orders`];
        return made.filter((order) => !final(order.status)).map((order) => `${order.id} PENDING`);
      }),
  );

  const asked = new Map(state.attempts.map((attempt) => [attempt.userId, attempt]));
  holds(
    'every stored order was asked for, once, with the lines asked for',
    [...ordersByUser].flatMap(([userId, orders]) => {
      const attempt = asked.get(userId);
      if (!attempt) return [`order ${orders[0].id} of ${userId}, which no client sent`];
      if (orders.length > 1) return [`${userId} has ${orders.length} orders`];
      const same = JSON.stringify(
        orders[0].products.map(({ productId, quantity }) => ({ productId, quantity })),
      );
      return same === JSON.stringify(attempt.lines)
        ? []
        : [`order ${orders[0].id} has other lines`];
    }),
  );

  holds(
    'no answer but 201 or 5xx (bad input never sent)',
    state.attempts
      .filter(
        (attempt) => attempt.status !== null && attempt.status !== 201 && attempt.status < 500,
      )
      .map((attempt) => `${attempt.userId} answered ${attempt.status}`),
  );

  const sold = new Map<string, number>();
  for (const order of state.orders.filter((candidate) => candidate.status === 'CONFIRMED')) {
    for (const line of order.products) {
      sold.set(line.productId, (sold.get(line.productId) ?? 0) + line.quantity);
    }
  }
  holds(
    'stock exact: sold = confirmed units, nothing reserved, never below zero',
    state.products.flatMap((product) => {
      const initial = state.initialStock.get(product.productId) ?? 0;
      const confirmed = sold.get(product.productId) ?? 0;
      const problems = [];
      if (product.reserved !== 0)
        problems.push(`${product.productId}: ${product.reserved} reserved`);
      if (product.available < 0)
        problems.push(`${product.productId}: ${product.available} available`);
      if (initial - product.available - product.reserved !== confirmed) {
        problems.push(
          `${product.productId}: ${initial - product.available - product.reserved} units left stock, ${confirmed} confirmed`,
        );
      }
      return problems;
    }),
  );

  const notified = new Map<string, number>();
  for (const notification of state.notifications) {
    const key = `${notification.orderId} ${notification.template} ${notification.type}`;
    notified.set(key, (notified.get(key) ?? 0) + 1);
  }
  holds('exactly one notification per order, status and channel, sent', [
    ...state.orders
      .filter((order) => final(order.status))
      .flatMap((order) => {
        const count = notified.get(`${order.id} ${TEMPLATE_OF[order.status]} log`) ?? 0;
        return count === 1 ? [] : [`order ${order.id} (${order.status}): ${count} notifications`];
      }),
    ...state.notifications
      .filter((notification) => {
        const order = notification.orderId ? ordersById.get(notification.orderId) : undefined;
        return !order || TEMPLATE_OF[order.status] !== notification.template;
      })
      .map(
        (notification) =>
          `${notification.template} for order ${notification.orderId}, which is not so`,
      ),
    ...state.notifications
      .filter((notification) => notification.status !== 'SENT')
      .map(
        (notification) =>
          `${notification.template} of ${notification.orderId} is ${notification.status}`,
      ),
  ]);

  holds(
    'nothing in a dead-letter queue',
    Object.entries(state.deadLetters)
      .filter(([, count]) => count > 0)
      .map(([service, count]) => `${service}: ${count} dead letters`),
  );

  holds(
    'every service healthy at the end',
    Object.entries(state.health)
      .filter(([, status]) => status !== 200)
      .map(([service, status]) => `${service}: health ${status}`),
  );
  return results;
}
