import type { Connection, FilterQuery, Model } from 'mongoose';
import type {
  AggregateStore,
  Decide,
  ListPage,
  Page,
  ServiceInfrastructure,
  Updated,
} from '@ecommerce/shared';
import { findPage } from '@ecommerce/shared';
import type { Notification } from '../domain/notification';
import type { NotificationFilter, NotificationRepositoryPort } from '../domain/notification-ports';
import type { NotificationDocument } from './notification-model';
import { notificationModel } from './notification-model';

/**
 * Notifications in MongoDB, returned as plain `Notification` objects. Writes go through the
 * aggregate store: the insert claims a notification (unique `_id`), every later step is a
 * decision on its current state (claim an attempt, record the outcome, ask for a retry).
 */
export class NotificationRepository implements NotificationRepositoryPort {
  private readonly model: Model<NotificationDocument>;
  private readonly store: AggregateStore<Notification>;

  constructor(connection: Connection, stores: ServiceInfrastructure['stores']) {
    this.model = notificationModel(connection);
    this.store = stores.define<Notification>(this.model.collection, { idField: 'id' });
  }

  /** Stores a new notification; false when one with that id exists already. */
  insert(notification: Notification): Promise<boolean> {
    return this.store.create(notification.id, notification);
  }

  findById(id: string): Promise<Notification | null> {
    return this.store.read(id);
  }

  update<R = undefined>(
    id: string,
    decide: Decide<Notification, R>,
  ): Promise<Updated<Notification, R> | null> {
    return this.store.update(id, decide);
  }

  async list(filter: NotificationFilter, page: Page): Promise<ListPage<Notification>> {
    const query: FilterQuery<NotificationDocument> = {};
    if (filter.orderId !== undefined) query.orderId = filter.orderId;
    if (filter.recipient !== undefined) query.recipient = filter.recipient;
    if (filter.status !== undefined) query.status = filter.status;
    const found = await findPage(this.model, query, page);
    return { ...found, items: found.items.map(toNotification) };
  }
}

function toNotification(document: NotificationDocument): Notification {
  return {
    id: document._id,
    type: document.type,
    recipient: document.recipient,
    template: document.template,
    ...(document.orderId !== undefined && { orderId: document.orderId }),
    ...(document.orderStatus !== undefined && { orderStatus: document.orderStatus }),
    status: document.status,
    attempts: document.attempts,
    ...(document.subject !== undefined && { subject: document.subject }),
    body: document.body,
    ...(document.htmlBody !== undefined && { htmlBody: document.htmlBody }),
    ...(document.provider !== undefined && { provider: document.provider }),
    ...(document.providerMessageId !== undefined && {
      providerMessageId: document.providerMessageId,
    }),
    ...(document.error !== undefined && { error: document.error }),
    createdAt: document.createdAt,
    lastAttemptAt: document.lastAttemptAt,
    ...(document.sentAt !== undefined && { sentAt: document.sentAt }),
  };
}
