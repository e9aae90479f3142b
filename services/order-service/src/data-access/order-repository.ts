import type { Connection, FilterQuery, Model } from 'mongoose';
import type {
  AggregateStore,
  Decide,
  EventDraft,
  ListPage,
  Page,
  ServiceInfrastructure,
  Updated,
} from '@ecommerce/shared';
import { findPage } from '@ecommerce/shared';
import type { Order, OrderView } from '../domain/order';
import type { OrderFilter, OrderRepositoryPort } from '../domain/order-ports';
import type { OrderDocument } from './order-model';
import { orderModel } from './order-model';

/**
 * Orders in MongoDB. Writes go through the aggregate store (one insert with `order.created`; a
 * status change is one conditional write with its event); the list and the overdue orders are
 * plain indexed queries, without the orders' histories. Returns plain objects, never documents.
 */
export class OrderRepository implements OrderRepositoryPort {
  private readonly model: Model<OrderDocument>;
  private readonly store: AggregateStore<Order>;

  constructor(connection: Connection, stores: ServiceInfrastructure['stores']) {
    this.model = orderModel(connection);
    this.store = stores.define<Order>(this.model.collection, { idField: 'id' });
  }

  /** Stores a new order with its first events; false when an order with that id exists. */
  insert(order: Order, events: EventDraft[]): Promise<boolean> {
    return this.store.create(order.id, order, events);
  }

  findById(id: string): Promise<Order | null> {
    return this.store.read(id);
  }

  /** Decides the order's change against its current state and writes it (null: no such order). */
  update<R = undefined>(id: string, decide: Decide<Order, R>): Promise<Updated<Order, R> | null> {
    return this.store.update(id, decide);
  }

  async list(filter: OrderFilter, page: Page): Promise<ListPage<OrderView>> {
    const query: FilterQuery<OrderDocument> = {};
    if (filter.userId !== undefined) query.userId = filter.userId;
    if (filter.status !== undefined) query.status = filter.status;
    const found = await findPage(this.model, query, page, { omit: ['history', 'outbox'] });
    return { ...found, items: found.items.map(toOrderView) };
  }

  async findOverdue(now: Date, limit: number): Promise<string[]> {
    const overdue = await this.model
      .find(overdueOrders(now), { _id: 1 })
      .limit(limit)
      .lean<Array<{ _id: string }>>();
    return overdue.map((order) => order._id);
  }
}

/**
 * The orders past their `expiresAt`: a range of its index, which only PENDING orders have, so
 * what it reads grows with the overdue orders, not with the orders stored (the end-to-end tests
 * of the development database's periodic queries hold its plan).
 */
export function overdueOrders(now: Date): FilterQuery<OrderDocument> {
  return { expiresAt: { $lt: now } };
}

function toOrderView(document: OrderDocument): OrderView {
  return {
    id: document._id,
    userId: document.userId,
    products: document.products.map(({ productId, quantity, unitPrice }) => ({
      productId,
      quantity,
      unitPrice,
    })),
    totalPrice: document.totalPrice,
    currency: document.currency,
    ...(document.contact && { contact: document.contact }),
    status: document.status,
    ...(document.statusReason && { statusReason: document.statusReason }),
    ...(document.expiresAt && { expiresAt: document.expiresAt }),
    createdAt: document.createdAt,
    updatedAt: document.updatedAt,
  };
}
