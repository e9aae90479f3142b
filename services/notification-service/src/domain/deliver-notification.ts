import { errorFields, PermanentError } from '@ecommerce/shared';
import type { Notification } from './notification';
import type { NotificationDependencies } from './notification-ports';
import { MessageRefusedError } from './notification-provider';
import { DeliveryFailedError, DeliveryInProgressError } from './notification-errors';
import { nextDeliveryStep } from './notification-rules';

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

/**
 * Attempts an existing notification again if that is due: not when it was sent, nor while
 * another attempt holds its lease (then throws, so that the event is retried later).
 */
export async function attemptAgainIfDue(
  existing: Notification,
  dependencies: NotificationDependencies,
): Promise<void> {
  const { notifications, logger } = dependencies;
  switch (nextDeliveryStep(existing, new Date())) {
    case 'done':
      logger.info('Notification already sent, not sending it again', {
        notificationId: existing.id,
      });
      return;
    case 'in-flight':
      throw new DeliveryInProgressError(existing.id);
    case 'attempt-again': {
      const claimed = await notifications.claimAttempt(existing, new Date());
      if (!claimed) throw new DeliveryInProgressError(existing.id);
      logger.info('Attempting an unsent notification again', {
        notificationId: claimed.id,
        attempt: claimed.attempts,
      });
      return requireSent(await deliverNotification(claimed, dependencies));
    }
  }
}

/**
 * Throws unless the attempt sent the notification: a PermanentError when the provider refused
 * the message for good (the event goes to the DLQ at once), else a transient error (retried).
 */
export function requireSent({ notification, refused }: DeliveryOutcome): void {
  if (notification.status === 'SENT') return;
  const reason = notification.error ?? notification.status;
  if (refused) {
    throw new PermanentError(`Notification ${notification.id} was refused: ${reason}`);
  }
  throw new DeliveryFailedError(notification.id, reason);
}
