import { errorFields } from '@ecommerce/shared';
import type { Notification } from './notification';
import type { NotificationDependencies } from './notification-ports';
import { MessageRefusedError } from './notification-provider';
import {
  DeliveryFailedError,
  DeliveryInProgressError,
  NotificationRefusedError,
} from './notification-errors';
import { claimAttempt, recordFailure, recordSent } from './notification-rules';

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
    const failed = await notifications.update(
      notification.id,
      recordFailure(notification, provider.name, reason),
    );
    return {
      notification: stored(failed?.state, notification.id),
      refused: error instanceof MessageRefusedError,
    };
  }
  const sent = await notifications.update(notification.id, recordSent(provider.name, receipt));
  return { notification: stored(sent?.state, notification.id), refused: false };
}

/**
 * Attempts an existing notification again if that is due: not when it was sent, nor while
 * another attempt holds its lease (then throws, so that the event is retried later).
 */
export async function attemptAgainIfDue(
  notificationId: string,
  dependencies: NotificationDependencies,
): Promise<void> {
  const { notifications, logger } = dependencies;
  const claimed = await notifications.update(notificationId, claimAttempt());
  if (!claimed) throw new Error(`Notification ${notificationId} vanished while being attempted`);
  switch (claimed.result) {
    case 'done':
      logger.info('Notification already sent, not sending it again', { notificationId });
      return;
    case 'in-flight':
      throw new DeliveryInProgressError(notificationId);
    default:
      logger.info('Attempting an unsent notification again', {
        notificationId,
        attempt: claimed.state.attempts,
      });
      return requireSent(await deliverNotification(claimed.state, dependencies));
  }
}

/**
 * Throws unless the attempt sent the notification: a refusal for good is an InvalidError (the
 * event goes to the DLQ at once), anything else a transient error (retried).
 */
export function requireSent({ notification, refused }: DeliveryOutcome): void {
  if (notification.status === 'SENT') return;
  const reason = notification.error ?? notification.status;
  if (refused) throw new NotificationRefusedError(notification.id, reason);
  throw new DeliveryFailedError(notification.id, reason);
}

function stored(notification: Notification | undefined, id: string): Notification {
  if (!notification) throw new Error(`Notification ${id} vanished while being delivered`);
  return notification;
}
