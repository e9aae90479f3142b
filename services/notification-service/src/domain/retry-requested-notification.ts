import type { EventEnvelope } from '@ecommerce/shared';
import { attemptAgainIfDue } from './deliver-notification';
import { NotificationNotFoundError } from './notification-errors';
import type { NotificationDependencies } from './notification-ports';

/**
 * A notification sent through the API whose first attempt failed comes back here through the
 * event bus, which retries it with backoff (and dead-letters it after the last attempt), as it
 * does for the notifications of order events.
 */
export async function retryRequestedNotification(
  event: EventEnvelope<'notification.requested'>,
  dependencies: NotificationDependencies,
): Promise<void> {
  const { notificationId } = event.data;
  if (!(await dependencies.notifications.findById(notificationId))) {
    throw new NotificationNotFoundError(notificationId);
  }
  await attemptAgainIfDue(notificationId, dependencies);
}
