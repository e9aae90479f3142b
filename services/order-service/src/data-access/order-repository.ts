import type { Connection, FilterQuery, Model } from 'mongoose';
import type { AnyEvent, KeyedMutex, OrderStatus, OutboxSource, Page } from '@ecommerce/shared';
import { isDuplicateKeyError, lockKey, outboxOf, toOutboxEntry, findPage } from '@ecommerce/shared';
import type { Order } from '../domain/order';
import type { StatusChange } from '../domain/order-rules';
import type { OrderDocument } from './order-model';
import { orderModel } from './order-model';

export interface OrderFilter {
  userId?: string;
  status?: OrderStatus;
}

/**
 * Orders in MongoDB. Every write that causes an event stores the event in the order's outbox in
 * the same single-document update. Returns plain `Order` objects, never documents.
 */
export class OrderRepository {
  private readonly model: Model<OrderDocument>;
  readonly outbox: OutboxSource;

  constructor(
    connection: Connection,
    private readonly locks: KeyedMutex,
    private readonly onEventStored: (source: string, documentId: unknown) => void,
  ) {
    this.model = orderModel(connection);
    this.outbox = outboxOf(this.model);
  }

  /** Stores a new order with its first event; false when an order with that id exists. */
  async insert(order: Order, event: AnyEvent): Promise<boolean> {
    try {
      await this.model.create({
        _id: order.id,
        ...withoutId(order),
        eventSequence: event.sequence,
        outbox: [toOutboxEntry(event)],
      });
    } catch (error) {
      if (isDuplicateKeyError(error)) return false;
      throw error;
    }
    this.onEventStored(this.outbox.name, order.id);
    return true;
  }

  async findById(id: string): Promise<Order | null> {
    const document = await this.model.findById(id).lean();
    return document && toOrder(document);
  }

  async list(filter: OrderFilter, page: Page): Promise<{ items: Order[]; total: number }> {
    const query: FilterQuery<OrderDocument> = {};
    if (filter.userId !== undefined) query.userId = filter.userId;
    if (filter.status !== undefined) query.status = filter.status;
    const { documents, total } = await findPage(this.model, query, page);
    return { items: documents.map(toOrder), total };
  }

  /**
   * Reads the order and asks `decide` what its status should become; writes that change, and the
   * event `announce` makes of it (numbered with the order's next sequence), in one update.
   * The update only applies if the order is as it was read — with several instances on MongoDB
   * another may have changed it — else it reads and decides again. Returns the order as it ends
   * up, or null when it does not exist.
   */
  async changeStatus(
    id: string,
    decide: (order: Order) => StatusChange | null,
    announce: (order: Order, change: StatusChange, sequence: number) => AnyEvent,
  ): Promise<Order | null> {
    return this.locks.run(lockKey(this.outbox.name, id), async () => {
      for (let tries = 1; tries <= MAX_TRIES; tries++) {
        const current = await this.model.findById(id).lean();
        if (!current) return null;
        const order = toOrder(current);
        const change = decide(order);
        if (!change) return order;
        const updated = await this.model
          .findOneAndUpdate(
            { _id: id, status: current.status, eventSequence: current.eventSequence },
            {
              $set: { status: change.status, statusReason: change.reason, updatedAt: new Date() },
              $inc: { eventSequence: 1 },
              $push: { outbox: toOutboxEntry(announce(order, change, current.eventSequence + 1)) },
            },
            { new: true },
          )
          .lean();
        if (updated) {
          this.onEventStored(this.outbox.name, id);
          return toOrder(updated);
        }
      }
      throw new Error(`Order ${id} kept changing while its status was being updated`);
    });
  }
}

/** Compare-and-set rounds before giving up (the event is then retried by the broker). */
const MAX_TRIES = 5;

function withoutId({ id: _id, ...rest }: Order) {
  return rest;
}

function toOrder(document: OrderDocument): Order {
  return {
    id: document._id,
    userId: document.userId,
    products: document.products.map(({ productId, quantity }) => ({ productId, quantity })),
    totalPrice: document.totalPrice,
    ...(document.contact && { contact: document.contact }),
    status: document.status,
    ...(document.statusReason && { statusReason: document.statusReason }),
    createdAt: document.createdAt,
    updatedAt: document.updatedAt,
  };
}
