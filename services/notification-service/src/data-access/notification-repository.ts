import type { Connection, FilterQuery, Model } from 'mongoose';
import type { AnyEvent, OutboxSource, Page } from '@ecommerce/shared';
import { findPage, isDuplicateKeyError, outboxOf, toOutboxEntry } from '@ecommerce/shared';
import type { Notification } from '../domain/notification';
import type { DeliveryReceipt } from '../domain/notification-provider';
import type { NotificationDocument } from './notification-model';
import { notificationModel } from './notification-model';

export interface NotificationFilter {
  orderId?: string;
  recipient?: string;
}

/**
 * Notifications in MongoDB, returned as plain `Notification` objects. Every write is one
 * single-document operation: the insert claims a notification (unique `_id`), and later attempts
 * claim it again by compare-and-set on `attempts`.
 */
export class NotificationRepository {
  private readonly model: Model<NotificationDocument>;
  readonly outbox: OutboxSource;

  constructor(
    connection: Connection,
    private readonly onEventStored: (source: string, documentId: unknown) => void = () => {},
  ) {
    this.model = notificationModel(connection);
    this.outbox = outboxOf(this.model);
  }

  /**
   * Hands a FAILED notification to the event bus for more attempts, with backoff: stores the
   * `notification.requested` event in its outbox. A no-op unless it is still FAILED.
   */
  async scheduleRetry(id: string, event: AnyEvent): Promise<void> {
    const result = await this.model.updateOne(
      { _id: id, status: 'FAILED' },
      { $push: { outbox: toOutboxEntry(event) } },
    );
    if (result.modifiedCount === 1) this.onEventStored(this.outbox.name, id);
  }

  /** Stores a new notification; false when one with that id exists already. */
  async insert(notification: Notification): Promise<boolean> {
    const { id, ...fields } = notification;
    try {
      await this.model.create({ _id: id, ...fields });
      return true;
    } catch (error) {
      if (isDuplicateKeyError(error)) return false;
      throw error;
    }
  }

  async findById(id: string): Promise<Notification | null> {
    const document = await this.model.findById(id).lean();
    return document && toNotification(document);
  }

  async list(
    filter: NotificationFilter,
    page: Page,
  ): Promise<{ items: Notification[]; total: number }> {
    const query: FilterQuery<NotificationDocument> = {};
    if (filter.orderId !== undefined) query.orderId = filter.orderId;
    if (filter.recipient !== undefined) query.recipient = filter.recipient;
    const { documents, total } = await findPage(this.model, query, page);
    return { items: documents.map(toNotification), total };
  }

  /**
   * Starts another attempt on a notification not yet sent, provided nobody started one since
   * `seen` was read (its `attempts` is unchanged). Returns the claimed notification, or null when
   * another attempt got there first.
   */
  async claimAttempt(seen: Notification, now: Date): Promise<Notification | null> {
    const claimed = await this.model
      .findOneAndUpdate(
        { _id: seen.id, attempts: seen.attempts, status: { $ne: 'SENT' } },
        {
          $set: { status: 'PENDING', lastAttemptAt: now },
          $inc: { attempts: 1 },
          $unset: { error: 1 },
        },
        { new: true },
      )
      .lean();
    return claimed && toNotification(claimed);
  }

  /** Whichever attempt it was, the message went out: the notification is sent. */
  async markSent(
    id: string,
    provider: string,
    receipt: DeliveryReceipt,
    sentAt: Date,
  ): Promise<Notification> {
    const updated = await this.model
      .findOneAndUpdate(
        { _id: id },
        {
          $set: {
            status: 'SENT',
            provider,
            sentAt,
            ...(receipt.providerMessageId !== undefined && {
              providerMessageId: receipt.providerMessageId,
            }),
          },
          $unset: { error: 1 },
        },
        { new: true },
      )
      .lean();
    if (!updated) throw new Error(`Notification ${id} vanished while being marked sent`);
    return toNotification(updated);
  }

  /**
   * Records a failed attempt, unless a later attempt has claimed the notification or it was sent
   * meanwhile (a failure must never overwrite a success). Returns the notification as it is now.
   */
  async markFailed(attempt: Notification, provider: string, error: string): Promise<Notification> {
    const updated = await this.model
      .findOneAndUpdate(
        { _id: attempt.id, attempts: attempt.attempts, status: 'PENDING' },
        { $set: { status: 'FAILED', provider, error } },
        { new: true },
      )
      .lean();
    if (updated) return toNotification(updated);
    const current = await this.findById(attempt.id);
    if (!current) throw new Error(`Notification ${attempt.id} vanished while being marked failed`);
    return current;
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
