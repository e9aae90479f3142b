import type { Decide, ListPage, Logger, Page, Updated } from '@ecommerce/shared';
import type { Notification, NotificationStatus } from './notification';
import type { ProvidersByChannel } from './notification-provider';
import type { NotificationTemplate, TemplateType } from './template';

/** Which notifications a list asks for; an absent key does not filter. */
export interface NotificationFilter {
  orderId?: string;
  recipient?: string;
  status?: NotificationStatus;
}

/**
 * Where the notifications are kept. The insert claims a notification (its id is unique); every
 * later step is a `decide` on its current state (claim an attempt, record the outcome, ask for a
 * retry), so two deliveries of one event cannot both send it.
 */
export interface NotificationRepositoryPort {
  /** Stores a new notification; false when one with that id exists already. */
  insert(notification: Notification): Promise<boolean>;
  findById(id: string): Promise<Notification | null>;
  /** Decides the notification's change against its current state and writes it (null: none). */
  update<R = undefined>(
    id: string,
    decide: Decide<Notification, R>,
  ): Promise<Updated<Notification, R> | null>;
  /** Newest first. */
  list(filter: NotificationFilter, page: Page): Promise<ListPage<Notification>>;
}

/** The templates, one per name and channel. */
export interface TemplateRepositoryPort {
  find(name: string, type: TemplateType): Promise<NotificationTemplate | null>;
  /** Every template, by name then channel. */
  list(): NotificationTemplate[];
  /**
   * Stores the templates that do not exist yet and leaves the others as they are (someone may
   * have edited them); returns the ids of those it added.
   */
  insertMissing(templates: NotificationTemplate[]): Promise<string[]>;
}

/** What the notification use cases need from the outside world. */
export interface NotificationDependencies {
  notifications: NotificationRepositoryPort;
  templates: TemplateRepositoryPort;
  providers: ProvidersByChannel;
  logger: Logger;
}
