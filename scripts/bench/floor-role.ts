/**
 * One role of the floor, in a process of its own (started by floor.ts): only what an order
 * needs, with the official driver and amqplib, none of the services' code.
 *
 *   order:        clients insert the order and publish order.created; on inventory.status.updated
 *                 the order is updated if still PENDING and order.status.updated is published
 *   inventory:    on order.created the stock is updated conditionally (per-product lock), the
 *                 reservation inserted, inventory.status.updated published
 *   notification: on order.status.updated the notification is inserted
 *
 * Every publish is persistent, mandatory and confirmed; every delivery is acked once handled.
 */
import { randomUUID } from 'node:crypto';
import type { Channel, ConfirmChannel, ConsumeMessage } from 'amqplib';
import amqp from 'amqplib';
import type { Db } from 'mongodb';
import { MongoClient } from 'mongodb';
import type { FloorGo, FloorRoleConfig, FromRole, ToRole } from './floor-protocol';
import { CONSUMES, queueOf } from './floor-protocol';
import { closedLoop } from './load';

interface Envelope<T> {
  eventId: string;
  eventType: string;
  schemaVersion: 1;
  occurredAt: string;
  source: string;
  correlationId: string;
  causationId: string | null;
  aggregateId: string;
  sequence: number;
  data: T;
}

interface OrderCreated {
  orderId: string;
  userId: string;
  products: { productId: string; quantity: number }[];
  totalPrice: number;
}
interface InventoryStatus {
  orderId: string;
  status: 'SUCCESS' | 'FAILURE';
  reason?: string;
}
interface OrderStatus {
  orderId: string;
  /** Not in the contract's event: the floor's own, so that a hold can be released by id. */
  products: { productId: string; quantity: number }[];
  userId: string;
  status: 'CONFIRMED' | 'CANCELLED';
  previousStatus: 'PENDING';
  totalPrice: number;
}

const config = JSON.parse(process.env.FLOOR_CONFIG ?? '{}') as FloorRoleConfig;

const tell = (message: FromRole) => process.send?.(message);

class Bus {
  constructor(
    private readonly publisher: ConfirmChannel,
    private readonly source: string,
  ) {}

  publish<T>(eventType: string, data: T & { orderId: string }, cause?: Envelope<unknown>) {
    const envelope: Envelope<T> = {
      eventId: randomUUID(),
      eventType,
      schemaVersion: 1,
      occurredAt: new Date().toISOString(),
      source: this.source,
      correlationId: cause?.correlationId ?? randomUUID(),
      causationId: cause?.eventId ?? null,
      aggregateId: data.orderId,
      sequence: cause ? 2 : 1,
      data,
    };
    return new Promise<void>((resolve, reject) => {
      this.publisher.publish(
        config.exchange,
        eventType,
        Buffer.from(JSON.stringify(envelope)),
        {
          persistent: true,
          mandatory: true,
          contentType: 'application/json',
          messageId: envelope.eventId,
          type: eventType,
          correlationId: envelope.correlationId,
        },
        (error: unknown) => (error ? reject(new Error(String(error))) : resolve()),
      );
    });
  }
}

/** Per-key async lock: FerretDB applies a conditional update by read-then-write. */
class KeyedLock {
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const result = previous.then(work, work);
    const tail = result.catch(() => undefined);
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }
}

type Handler = (event: Envelope<never>) => Promise<void>;

interface OrderDocument {
  _id: string;
  userId: string;
  products: { productId: string; quantity: number }[];
  totalPrice: number;
  status: 'PENDING' | 'CONFIRMED' | 'CANCELLED';
  createdAt: Date;
  updatedAt: Date;
}

interface ProductDocument {
  _id: string;
  available: number;
  reserved: number;
  holds: { orderId: string; quantity: number }[];
}

interface Role {
  handler: Handler;
  go?: (message: FloorGo) => Promise<void>;
}

function orderRole(db: Db, bus: Bus): Role {
  const orders = db.collection<OrderDocument>('orders');
  let final = 0;
  let goal = Infinity;
  const handler: Handler = async (event) => {
    const { orderId, status } = (event as Envelope<InventoryStatus>).data;
    const next = status === 'SUCCESS' ? 'CONFIRMED' : 'CANCELLED';
    const updated = await orders.findOneAndUpdate(
      { _id: orderId, status: 'PENDING' },
      { $set: { status: next, updatedAt: new Date() } },
      { returnDocument: 'after' },
    );
    if (!updated) return; // a redelivery: already final
    await bus.publish<OrderStatus>(
      'order.status.updated',
      {
        orderId,
        products: updated.products,
        userId: updated.userId,
        status: next,
        previousStatus: 'PENDING',
        totalPrice: updated.totalPrice,
      },
      event,
    );
    final += 1;
    if (final === goal) tell({ type: 'done', final });
  };
  const go = async ({ userId, orders: count, clients, productIds }: FloorGo) => {
    goal = count;
    // Progress flows until the process is stopped, so the parent sees a stall as one.
    setInterval(() => tell({ type: 'progress', final }), 250).unref();
    await closedLoop(clients, count, async (index) => {
      const orderId = randomUUID();
      const products = [{ productId: productIds[index % productIds.length], quantity: 1 }];
      const now = new Date();
      await orders.insertOne({
        _id: orderId,
        userId,
        products,
        totalPrice: 1,
        status: 'PENDING',
        createdAt: now,
        updatedAt: now,
      });
      await bus.publish<OrderCreated>('order.created', {
        orderId,
        userId,
        products,
        totalPrice: 1,
      });
    });
  };
  return { handler, go };
}

function inventoryRole(db: Db, bus: Bus): Role {
  const products = db.collection<ProductDocument>('products');
  const reservations = db.collection<{ _id: string } & Record<string, unknown>>('reservations');
  const locks = new KeyedLock();
  // Optional (BENCH_FLOOR_RELEASE_HOLDS=1): a confirmed order's hold leaves the product, as
  // the system's does, so the product document stays as small as the orders in flight.
  const release = async ({ orderId, status, products: lines }: OrderStatus) => {
    if (status !== 'CONFIRMED') return; // a cancelled order held nothing
    const [{ productId, quantity }] = lines;
    await locks.run(productId, () =>
      products.updateOne(
        { _id: productId },
        { $inc: { reserved: -quantity }, $pull: { holds: { orderId, quantity } } },
      ),
    );
  };
  const handler: Handler = async (event) => {
    if (event.eventType === 'order.status.updated') {
      return release((event as Envelope<OrderStatus>).data);
    }
    const { orderId, products: lines } = (event as Envelope<OrderCreated>).data;
    // The bench's orders have one line each: all-or-nothing across lines is not exercised.
    const [{ productId, quantity }] = lines;
    const held = await locks.run(productId, async () => {
      const result = await products.updateOne(
        { _id: productId, available: { $gte: quantity } },
        {
          $inc: { available: -quantity, reserved: quantity },
          $push: { holds: { orderId, quantity } },
        },
      );
      return result.modifiedCount === 1;
    });
    await reservations.insertOne({
      _id: orderId,
      status: held ? 'RESERVED' : 'REJECTED',
      lines,
      createdAt: new Date(),
    });
    await bus.publish<InventoryStatus>(
      'inventory.status.updated',
      held
        ? { orderId, status: 'SUCCESS' }
        : { orderId, status: 'FAILURE', reason: `Insufficient inventory for product ${productId}` },
      event,
    );
  };
  return { handler };
}

function notificationRole(db: Db): Role {
  const notifications = db.collection<{ _id: string } & Record<string, unknown>>('notifications');
  const handler: Handler = async (event) => {
    const { orderId, userId, status } = (event as Envelope<OrderStatus>).data;
    const now = new Date();
    await notifications.insertOne({
      _id: randomUUID(),
      orderId,
      type: 'log',
      recipient: userId,
      template: status === 'CONFIRMED' ? 'order_confirmation' : 'order_cancelled',
      status: 'SENT',
      attempts: 1,
      createdAt: now,
      sentAt: now,
    });
  };
  return { handler };
}

async function declare(channel: Channel): Promise<string> {
  await channel.assertExchange(config.exchange, 'topic', { durable: true });
  const queue = queueOf(config.role);
  await channel.assertQueue(queue, {
    durable: true,
    arguments: { 'x-queue-type': config.queueType },
  });
  await channel.bindQueue(queue, config.exchange, CONSUMES[config.role]);
  if (config.role === 'inventory' && config.releaseHolds) {
    await channel.bindQueue(queue, config.exchange, 'order.status.updated');
  }
  return queue;
}

function consume(channel: Channel, queue: string, handler: Handler) {
  return channel.consume(queue, (message: ConsumeMessage | null) => {
    if (!message) return;
    handler(JSON.parse(message.content.toString()) as Envelope<never>).then(
      () => channel.ack(message),
      (error: unknown) => fail(error),
    );
  });
}

function fail(error: unknown): never {
  // Nothing in the floor may fail: report it and stop, the parent fails the phase.
  tell({ type: 'failed', error: `${config.role}: ${String(error)}` });
  process.exit(1);
}

async function main(): Promise<void> {
  // The parent is gone (crashed or killed): do not linger as an orphan, even while starting.
  process.on('disconnect', () => process.exit(1));
  const mongo = await MongoClient.connect(config.mongodbUri, {
    maxPoolSize: config.maxPoolSize,
    // A command that takes a minute means a stuck database: fail rather than hang.
    serverSelectionTimeoutMS: 10_000,
    socketTimeoutMS: 60_000,
  });
  const db = mongo.db();
  const connection = await amqp.connect(config.rabbitmqUrl);
  const publisher = await connection.createConfirmChannel();
  const consumer = await connection.createChannel();
  await consumer.prefetch(config.prefetch);
  const bus = new Bus(publisher, `floor-${config.role}`);
  const queue = await declare(consumer);

  const role: Role =
    config.role === 'order'
      ? orderRole(db, bus)
      : config.role === 'inventory'
        ? inventoryRole(db, bus)
        : notificationRole(db);
  await consume(consumer, queue, role.handler);

  process.on('message', (message: ToRole) => {
    if (message.type === 'go') role.go?.(message).catch(fail);
    if (message.type === 'stop') {
      void (async () => {
        await connection.close().catch(() => undefined);
        await mongo.close().catch(() => undefined);
        process.exit(0);
      })();
    }
  });
  tell({ type: 'ready' });
}

main().catch(fail);
