import { errorFields } from '@ecommerce/shared';
import type { Notification } from './notification';
import type { NotificationDependencies } from './notification-ports';
import { MessageRefusedError } from './notification-provider';

/** A delivery attempt as stored, and whether a failure was the provider refusing the message. */
export interface DeliveryOutcome {
  notification: Notification;
  refused: boolean;
}

/**
 * Hands a claimed notification (PENDING, its attempt started) to the provider of its channel
 * and records the outcome: SENT with the provider's message id, or FAILED with the provider's
 * error. Returns the notification as stored, and whether the provider refused the message for
 * good. A crash between the send and the record leaves it PENDING; the next delivery of its event
 * sends it again once the lease has run out (at least once, never silently lost).
 */
export async function deliverNotification(
  notification: Notification,
  {
    notifications,
    providers,
    logger,
  }: Pick<NotificationDependencies, 'notifications' | 'providers' | 'logger'>,
): Promise<DeliveryOutcome> {
  const provider = providers[notification.type];
  let receipt;
  try {
    receipt = await provider.send({
      notificationId: notification.id,
      channel: notification.type,
      recipient: notification.recipient,
      ...(notification.subject !== undefined && { subject: notification.subject }),
      text: notification.body,
      ...(notification.htmlBody !== undefined && { html: notification.htmlBody }),
    });
  } catch (error) {
    const reason = errorFields(error).error;
    logger.warn('Notification delivery failed', {
      notificationId: notification.id,
      provider: provider.name,
      attempt: notification.attempts,
      error: reason,
    });
    return {
      notification: await notifications.markFailed(notification, provider.name, reason),
      refused: error instanceof MessageRefusedError,
    };
  }
  return {
    notification: await notifications.markSent(notification.id, provider.name, receipt, new Date()),
    refused: false,
  };
}
