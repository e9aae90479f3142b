import type { EventBus } from '@ecommerce/shared';
import type { NotificationDependencies } from '../../domain/notification-ports';
import { retryRequestedNotification } from '../../domain/retry-requested-notification';
import { onOrderStatusUpdated } from './on-order-status-updated';

/** The events the notification service consumes, one line each. */
export function subscribeNotificationHandlers(
  bus: EventBus,
  dependencies: NotificationDependencies,
): void {
  bus.subscribe('order.status.updated', onOrderStatusUpdated(dependencies));
  bus.subscribe('notification.requested', (event) =>
    retryRequestedNotification(event, dependencies),
  );
}
