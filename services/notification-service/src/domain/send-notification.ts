import { randomUUID } from 'node:crypto';
import type { Change } from '@ecommerce/shared';
import { currentCorrelationId, draftEvent } from '@ecommerce/shared';
import { SERVICE_NAME } from '../config';
import { deliverNotification } from './deliver-notification';
import type { Notification, NotificationRequest } from './notification';
import { TemplateNotFoundError } from './notification-errors';
import type { NotificationDependencies } from './notification-ports';
import { newPendingNotification } from './notification-rules';
import { renderTemplate } from './template-rendering';

/**
 * An admin sends a template to one recipient. Stored PENDING before the provider is called, so
 * every attempt leaves a record; answered with the record after the first attempt (SENT, or
 * FAILED with the provider's error). A failure the provider may get over (down, breaker open)
 * is handed to the event bus, which attempts it again with backoff until it is SENT or, after
 * the last attempt, dead-lettered; a message the provider refused stays FAILED.
 */
export async function sendNotification(
  request: NotificationRequest,
  dependencies: NotificationDependencies,
): Promise<Notification> {
  const template = await dependencies.templates.find(request.template, request.type);
  if (!template) throw new TemplateNotFoundError(request.template, request.type);
  const message = renderTemplate(template, request.variables ?? {});

  const notification = newPendingNotification(
    {
      id: randomUUID(),
      type: request.type,
      recipient: request.recipient,
      template: template.name,
    },
    message,
    new Date(),
  );
  if (!(await dependencies.notifications.insert(notification))) {
    throw new Error(`Notification id ${notification.id} is taken`);
  }
  const { notification: attempted, refused } = await deliverNotification(
    notification,
    dependencies,
  );
  if (attempted.status === 'FAILED' && !refused) {
    await dependencies.notifications.update(attempted.id, requestRetry(currentCorrelationId()));
  }
  return attempted;
}

/**
 * Hands a FAILED notification to the event bus for more attempts, with backoff: its
 * `notification.requested` goes into its outbox. Nothing unless it is still FAILED.
 */
function requestRetry(correlationId: string) {
  return (notification: Notification): Change<Notification> | null => {
    if (notification.status !== 'FAILED') return null;
    return {
      next: notification,
      events: [
        draftEvent({
          eventType: 'notification.requested',
          source: SERVICE_NAME,
          aggregateId: notification.id,
          correlationId,
          data: { notificationId: notification.id },
        }),
      ],
    };
  };
}
