import type { AnyEvent, Contact } from '@ecommerce/shared';
import type { ServiceUnderTest } from '@ecommerce/shared/testing';
import { ADMIN, eventually, orderStatusUpdatedEvent } from '@ecommerce/shared/testing';

export interface NotificationBody {
  id: string;
  type: string;
  recipient: string;
  template: string;
  orderId?: string;
  status: string;
  attempts: number;
  provider?: string;
  providerMessageId?: string;
  subject?: string;
  body: string;
  htmlBody?: string;
  error?: string;
}

export const uniqueOrderId = (label: string) =>
  `${label}-${Date.now()}-${Math.random().toString(36).slice(2)}`;

/** The order service's `order.status.updated`, as the notification service receives it. */
export function orderStatusUpdated(
  orderId: string,
  status: 'CONFIRMED' | 'CANCELLED',
  options: { contact?: Contact; reason?: string; userId?: string; totalPrice?: number } = {},
): AnyEvent {
  return orderStatusUpdatedEvent(orderId, status, { totalPrice: 999.99, ...options });
}

export async function notificationsOfOrder(
  subject: ServiceUnderTest,
  orderId: string,
): Promise<NotificationBody[]> {
  return (await subject.api().get('/api/notifications').query({ orderId }).set(ADMIN).expect(200))
    .body.items;
}

/**
 * Publishes the same CONFIRMED event ten times at once and then another event stating the same
 * fact, and waits until the service has settled all eleven deliveries.
 */
export async function confirmElevenTimes(
  subject: ServiceUnderTest,
  orderId: string,
  contact: Contact,
): Promise<void> {
  const settled = () => subject.eventsSettled('order.status.updated');
  const settledBefore = await settled();
  const event = orderStatusUpdated(orderId, 'CONFIRMED', { contact });
  await Promise.all(Array.from({ length: 10 }, () => subject.probe.publish(event)));
  await subject.probe.publish(orderStatusUpdated(orderId, 'CONFIRMED', { contact }));
  await eventually(async () => expect((await settled()) - settledBefore).toBe(11));
}
