import type { Contact } from '@ecommerce/shared';
import { lockKey, PermanentError } from '@ecommerce/shared';
import { attemptAgainIfDue, deliverNotification, requireSent } from './deliver-notification';
import type { FinalOrderStatus } from './notification';
import { MissingTemplateVariablesError, templateMissingForEvent } from './notification-errors';
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
  contact?: Contact;
}

const LOCK_NAMESPACE = 'notifications';

/**
 * An order was confirmed or cancelled: tell its customer once per channel. The notification's id
 * is its order, status and channel, so a repeated event, or another event stating the same fact,
 * finds it stored and sends nothing, while a notification left unsent (a failed attempt, a crash
 * mid-attempt) is attempted again. Throws when a channel could not be served, so that the event
 * is retried (a PermanentError when retrying cannot help); channels already sent are skipped then.
 */
export async function notifyOrderStatusChanged(
  change: OrderStatusChange,
  dependencies: NotificationDependencies,
): Promise<void> {
  const failures: unknown[] = [];
  for (const target of deliveryTargetsFor(change.contact, change.userId)) {
    const id = notificationKey(change.orderId, change.status, target.channel);
    try {
      await dependencies.locks.run(lockKey(LOCK_NAMESPACE, id), () =>
        notifyOnce(id, target, change, dependencies),
      );
    } catch (error) {
      // Every channel gets its chance before the event goes back: a down SMS gateway must not
      // hold back the email.
      failures.push(error);
    }
  }
  if (failures.length > 0) {
    throw failures.find((failure) => !(failure instanceof PermanentError)) ?? failures[0];
  }
}

async function notifyOnce(
  id: string,
  target: DeliveryTarget,
  change: OrderStatusChange,
  dependencies: NotificationDependencies,
): Promise<void> {
  const existing = await dependencies.notifications.findById(id);
  if (existing) return attemptAgainIfDue(existing, dependencies);

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
  // Another instance stored it between our read and our insert.
  const stored = await dependencies.notifications.findById(id);
  if (!stored) throw new Error(`Notification ${id} exists but could not be read`);
  return attemptAgainIfDue(stored, dependencies);
}

async function render(
  templateName: string,
  target: DeliveryTarget,
  change: OrderStatusChange,
  { templates }: Pick<NotificationDependencies, 'templates'>,
): Promise<RenderedMessage> {
  const templateType = templateTypeFor(target.channel);
  const template = await templates.find(templateName, templateType);
  if (!template) throw templateMissingForEvent(templateName, templateType);
  try {
    return renderTemplate(template, orderTemplateVariables(change));
  } catch (error) {
    // An edited template asks for something order events do not carry: only a fix helps.
    if (error instanceof MissingTemplateVariablesError) throw new PermanentError(error.message);
    throw error;
  }
}
