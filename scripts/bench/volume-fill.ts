/**
 * The volume phase's store: finished orders written straight into the three services' databases
 * (through the system they would take an hour), each document in the shape its service stores it
 * (the types are the services' own: `OrderDocument`, `ReservationDocument`,
 * `NotificationDocument` with the aggregate store's `StoredFields`), as a finished order leaves
 * them: the order CONFIRMED or CANCELLED, its reservation COMMITTED or REJECTED, one notification
 * SENT, every outbox published and empty.
 *
 * The shop behind them: orders over `SPAN_DAYS` months, written oldest first as a shop's tables
 * grow; a tenth of them from regular customers with `REGULAR_ORDERS` orders each, the rest from
 * occasional ones (a few each, at random); `CANCELLED_SHARE` cancelled for want of stock;
 * `CONTACT_SHARE` with an email address (notified by email, the others in the log).
 */
import { randomUUID } from 'node:crypto';
import { MongoClient } from 'mongodb';
import type { ReservationDocument } from '@ecommerce/inventory-service';
import type { NotificationDocument } from '@ecommerce/notification-service';
import type { OrderDocument } from '@ecommerce/order-service';
import type { StoredFields } from '@ecommerce/shared';
import type { ServiceName } from '@ecommerce/tests-e2e';

const SPAN_DAYS = 180;
const REGULAR_ORDERS = 100;
const REGULARS_SHARE = 0.1;
/** Orders per occasional customer, on average. */
const OCCASIONAL_ORDERS = 8;
const CANCELLED_SHARE = 0.15;
const CONTACT_SHARE = 0.3;
const PRODUCTS = 50;
/** Documents per insert command, and commands out at once per collection. */
const BATCH = 1_000;
const BATCHES_IN_FLIGHT = 2;
/** Each document is new: nothing to stop at, let the server write them in any order. */
const UNORDERED = { ordered: false } as const;
/** Order ids kept for the reads by id: a random sample of those written. */
const SAMPLED_IDS = 2_000;

/** What the fill wrote, for the reads that follow. */
export interface FilledStore {
  orders: number;
  seconds: number;
  /** A customer with REGULAR_ORDERS orders (none when the fill is too small to have one). */
  regularUserId?: string;
  /** Ids of orders written, drawn at random. */
  orderIds: string[];
}

type Stored<T> = T & StoredFields;

interface Batch {
  orders: Stored<OrderDocument>[];
  reservations: Stored<ReservationDocument>[];
  notifications: Stored<NotificationDocument>[];
}

/** A finished aggregate as the store leaves it: `version` writes, `sequence` events, all sent. */
const published = (version: number, sequence: number): StoredFields => ({
  version,
  sequence,
  outbox: [],
  outboxPending: false,
});

/**
 * Writes `count` finished orders, with their reservations and notifications, into the databases
 * that `databaseUri` names, in unordered batches; `progress` hears of each tenth done.
 */
export async function fillStore(
  count: number,
  databaseUri: (name: ServiceName) => string,
  progress: (written: number) => void = () => undefined,
): Promise<FilledStore> {
  const started = Date.now();
  const customers = customersOf(count);
  const clients = await Promise.all(
    (['order-service', 'inventory-service', 'notification-service'] as const).map((name) =>
      new MongoClient(databaseUri(name), { maxPoolSize: BATCHES_IN_FLIGHT }).connect(),
    ),
  );
  const [orders, reservations, notifications] = [
    clients[0].db().collection<Stored<OrderDocument>>('orders'),
    clients[1].db().collection<Stored<ReservationDocument>>('reservations'),
    clients[2].db().collection<Stored<NotificationDocument>>('notifications'),
  ];
  const orderIds: string[] = [];
  const firstAt = started - SPAN_DAYS * 86_400_000;
  let next = 0;
  let reported = 0;
  const writeBatches = async () => {
    while (next < count) {
      const from = next;
      next = Math.min(count, next + BATCH);
      const batch = finishedOrders(from, next, (index) => ({
        userId: customers[index],
        createdAt: new Date(firstAt + ((started - 60_000 - firstAt) * index) / count),
      }));
      sample(orderIds, batch.orders, from);
      await Promise.all([
        orders.insertMany(batch.orders, UNORDERED),
        reservations.insertMany(batch.reservations, UNORDERED),
        notifications.insertMany(batch.notifications, UNORDERED),
      ]);
      const tenths = Math.floor((10 * next) / count);
      if (tenths > reported) progress(next);
      reported = Math.max(reported, tenths);
    }
  };
  try {
    await Promise.all(Array.from({ length: BATCHES_IN_FLIGHT }, writeBatches));
  } finally {
    await Promise.all(clients.map((client) => client.close()));
  }
  return {
    orders: count,
    seconds: (Date.now() - started) / 1000,
    regularUserId: customers.find((userId) => userId.startsWith('regular-')),
    orderIds,
  };
}

/**
 * The customer of each order, in time order: the regulars' orders spread over the whole span
 * among the occasional customers'.
 */
function customersOf(count: number): string[] {
  const regulars = Math.floor((count * REGULARS_SHARE) / REGULAR_ORDERS);
  const occasional = Math.max(
    1,
    Math.ceil((count - regulars * REGULAR_ORDERS) / OCCASIONAL_ORDERS),
  );
  const customers = Array.from({ length: count }, (_, index) =>
    index < regulars * REGULAR_ORDERS
      ? `regular-${Math.floor(index / REGULAR_ORDERS) + 1}`
      : `customer-${randomInt(occasional) + 1}`,
  );
  // Fisher–Yates: every order's place in time at random.
  for (let i = customers.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [customers[i], customers[j]] = [customers[j], customers[i]];
  }
  return customers;
}

/** Orders `from` to `to` (exclusive), each finished a moment after it was placed. */
function finishedOrders(
  from: number,
  to: number,
  placed: (index: number) => { userId: string; createdAt: Date },
): Batch {
  const batch: Batch = { orders: [], reservations: [], notifications: [] };
  for (let index = from; index < to; index++) {
    const { userId, createdAt } = placed(index);
    const id = randomUUID();
    const products = Array.from({ length: 1 + randomInt(3) }, () => ({
      productId: `fill-p${randomInt(PRODUCTS) + 1}`,
      quantity: 1 + randomInt(3),
      unitPrice: (100 + randomInt(50_000)) / 100,
    }));
    const totalPrice =
      products.reduce((sum, line) => sum + line.quantity * Math.round(line.unitPrice * 100), 0) /
      100;
    const email = Math.random() < CONTACT_SHARE ? `${userId}@example.com` : undefined;
    const reason =
      Math.random() < CANCELLED_SHARE
        ? `Insufficient inventory for product ${products[0].productId}: requested ${products[0].quantity}, available 0`
        : undefined;
    const status = reason ? 'CANCELLED' : 'CONFIRMED';
    const reservedAt = later(createdAt, 10, 40);
    const updatedAt = later(reservedAt, 10, 40);
    const notifiedAt = later(updatedAt, 5, 30);
    const step = (eventType: string, source: string) => ({
      eventId: randomUUID(),
      eventType,
      source,
    });
    batch.orders.push({
      _id: id,
      userId,
      products,
      totalPrice,
      currency: 'EUR',
      ...(email && { contact: { email } }),
      status,
      ...(reason && { statusReason: reason }),
      createdAt,
      updatedAt,
      history: [
        { status: 'PENDING', at: createdAt, ...step('order.created', 'order-service') },
        {
          status,
          at: updatedAt,
          ...(reason && { reason }),
          ...step('inventory.status.updated', 'inventory-service'),
        },
      ],
      // Written twice (placed, final) with two events: order.created and order.status.updated.
      ...published(2, 2),
    });
    batch.reservations.push({
      _id: id,
      status: reason ? 'REJECTED' : 'COMMITTED',
      lines: products.map(({ productId, quantity }) => ({ productId, quantity })),
      ...(reason && { reason }),
      createdAt: reservedAt,
      updatedAt: reason ? reservedAt : updatedAt,
      ...published(2, 1),
    });
    const message = reason
      ? `Order ${id} (total ${totalPrice.toFixed(2)} EUR) was cancelled.\n\nReason: ${reason}`
      : `Thank you for your order.\n\nOrder ${id} is confirmed. Total: ${totalPrice.toFixed(2)} EUR.`;
    const channel = email ? 'email' : 'log';
    batch.notifications.push({
      _id: `${id}:${status}:${channel}`,
      type: channel,
      recipient: email ?? userId,
      template: reason ? 'order_cancelled' : 'order_confirmation',
      orderId: id,
      orderStatus: status,
      status: 'SENT',
      attempts: 1,
      subject: `Your order ${id} ${reason ? 'was cancelled' : 'is confirmed'}`,
      body: message,
      htmlBody: `<p>${message.replace(/\n\n/g, '</p><p>')}</p>`,
      provider: 'log',
      createdAt: notifiedAt,
      lastAttemptAt: notifiedAt,
      sentAt: later(notifiedAt, 1, 10),
      ...published(2, 0),
    });
  }
  return batch;
}

/** Reservoir sampling: `kept` holds a uniform sample of every order seen, `seen` before these. */
function sample(kept: string[], orders: { _id: string }[], seen: number): void {
  orders.forEach(({ _id }, offset) => {
    const index = seen + offset;
    if (index < SAMPLED_IDS) kept.push(_id);
    else if (randomInt(index + 1) < SAMPLED_IDS) kept[randomInt(SAMPLED_IDS)] = _id;
  });
}

const randomInt = (below: number) => Math.floor(Math.random() * below);

const later = (at: Date, minMs: number, maxMs: number) =>
  new Date(at.getTime() + minMs + randomInt(maxMs - minMs));
