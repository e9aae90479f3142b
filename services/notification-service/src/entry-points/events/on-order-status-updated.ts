import type { EventHandler } from '@ecommerce/shared';
import type { NotificationDependencies } from '../../domain/notification-ports';
import { notifyOrderStatusChanged } from '../../domain/notify-order-status-changed';

/** `order.status.updated`: the order was confirmed or cancelled, so its customer hears of it. */
export function onOrderStatusUpdated(
  dependencies: NotificationDependencies,
): EventHandler<'order.status.updated'> {
  return ({ data }) =>
    notifyOrderStatusChanged(
      {
        orderId: data.orderId,
        userId: data.userId,
        status: data.status,
        ...(data.reason !== undefined && { reason: data.reason }),
        totalPrice: data.totalPrice,
        currency: data.currency,
        ...(data.contact && { contact: data.contact }),
      },
      dependencies,
    );
}
