import type { Contact } from '@ecommerce/shared';
import { DomainError } from '@ecommerce/shared';
import { attemptAgainIfDue, deliverNotification, requireSent } from './deliver-notification';
import type { FinalOrderStatus } from './notification';
import { TemplateNotFoundError } from './notification-errors';
import type { NotificationDependencies } from './notification-ports';
import type { DeliveryTarget } from './notification-rules';
import {
  deliveryTargetsFor,
  newPendingNotification,
  notificationKey,
  orderTemplateVariables,
  templateNameFor,
  templateTypeFor,
} from './notification-rules';
import type { RenderedMessage } from './template';
import { renderTemplate } from './template-rendering';

/** What the service needs to know about an order that was confirmed or cancelled. */
export interface OrderStatusChange {
  orderId: string;
  userId: string;
  status: FinalOrderStatus;
  reason?: string;
  totalPrice: number;
  currency: string;
  contact?: Contact;
}

/**
 * An order was confirmed or cancelled: tell its customer once per channel. The notification's id
 * is its order, status and channel, so a repeated event, or another event stating the same fact,
 * finds it stored and sends nothing, while a notification left unsent (a failed attempt, a crash
 * mid-attempt) is attempted again. Throws when a channel could not be served, so that the event
 * is retried (a domain error when retrying cannot help); channels already sent are skipped then.
 */
export async function notifyOrderStatusChanged(
  change: OrderStatusChange,
  dependencies: NotificationDependencies,
): Promise<void> {
  const failures: unknown[] = [];
  for (const target of deliveryTargetsFor(change.contact, change.userId)) {
    const id = notificationKey(change.orderId, change.status, target.channel);
    try {
      await notifyOnce(id, target, change, dependencies);
    } catch (error) {
      // Every channel gets its chance before the event goes back: a down SMS gateway must not
      // hold back the email.
      failures.push(error);
    }
  }
  if (failures.length > 0) {
    // A transient failure first: the event is then retried, for that channel's sake.
    throw failures.find((failure) => !(failure instanceof DomainError)) ?? failures[0];
  }
}

/**
 * One insert and one update (SENT) on the way that matters: the insert claims the notification;
 * when it is already there (a repeat, or another event stating the same fact) it is attempted
 * again only if that is due.
 */
async function notifyOnce(
  id: string,
  target: DeliveryTarget,
  change: OrderStatusChange,
  dependencies: NotificationDependencies,
): Promise<void> {
  const templateName = templateNameFor(change.status);
  const notification = newPendingNotification(
    {
      id,
      type: target.channel,
      recipient: target.recipient,
      template: templateName,
      orderId: change.orderId,
      orderStatus: change.status,
    },
    await render(templateName, target, change, dependencies),
    new Date(),
  );
  if (await dependencies.notifications.insert(notification)) {
    return requireSent(await deliverNotification(notification, dependencies));
  }
  return attemptAgainIfDue(id, dependencies);
}

async function render(
  templateName: string,
  target: DeliveryTarget,
  change: OrderStatusChange,
  { templates }: Pick<NotificationDependencies, 'templates'>,
): Promise<RenderedMessage> {
  const templateType = templateTypeFor(target.channel);
  const template = await templates.find(templateName, templateType);
  // Both a missing template and one asking for variables order events do not carry are domain
  // errors: retrying cannot help, only a fix of the templates does.
  if (!template) throw new TemplateNotFoundError(templateName, templateType);
  return renderTemplate(template, orderTemplateVariables(change));
}
