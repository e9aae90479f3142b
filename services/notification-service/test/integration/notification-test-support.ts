import type { Express } from 'express';
import request from 'supertest';
import type { AnyEvent, Contact } from '@ecommerce/shared';
import { createEvent } from '@ecommerce/shared';

/** The admin token the test configs set, and the header that carries it. */
export const TEST_ADMIN_TOKEN = 'test-admin-token';
export const ADMIN = { Authorization: `Bearer ${TEST_ADMIN_TOKEN}` };

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
  return createEvent({
    eventType: 'order.status.updated',
    source: 'order-service',
    aggregateId: orderId,
    sequence: 2,
    correlationId: `corr-${orderId}`,
    data: {
      orderId,
      userId: options.userId ?? 'user-1',
      status,
      previousStatus: 'PENDING',
      ...(options.reason && { reason: options.reason }),
      totalPrice: options.totalPrice ?? 999.99,
      ...(options.contact && { contact: options.contact }),
    },
  });
}

export async function notificationsOfOrder(
  app: Express,
  orderId: string,
): Promise<NotificationBody[]> {
  return (await request(app).get('/api/notifications').query({ orderId }).set(ADMIN).expect(200))
    .body.items;
}

/**
 * How many order.status.updated deliveries the service has finished with (handled, skipped as a
 * duplicate, or dead-lettered). A retry is not an end: the same delivery comes back.
 */
export async function eventsFinished(app: Express): Promise<number> {
  const metrics = (await request(app).get('/metrics').expect(200)).text;
  return [...metrics.matchAll(/^events_consumed_total\{([^}]*)\} (\d+)$/gm)]
    .filter(
      ([, labels]) => labels.includes('order.status.updated') && !labels.includes('"retried"'),
    )
    .map((match) => Number(match[2]))
    .reduce((sum, count) => sum + count, 0);
}

/** Finds the event in the service's dead-letter listing, waiting for it to get there. */
export async function deadLetterOf(
  app: Express,
  eventId: string,
): Promise<Record<string, unknown>> {
  const body = (await request(app).get('/api/admin/dlq').set(ADMIN).expect(200)).body;
  const item = body.items.find((i: { eventId: string }) => i.eventId === eventId);
  if (!item) throw new Error(`Event ${eventId} is not in the dead-letter queue`);
  return item;
}
