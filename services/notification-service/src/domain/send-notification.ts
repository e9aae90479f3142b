import { randomUUID } from 'node:crypto';
import { createEvent, currentCorrelationId } from '@ecommerce/shared';
import { SERVICE_NAME } from '../config';
import { deliverNotification } from './deliver-notification';
import type { Notification, NotificationRequest } from './notification';
import {
  MissingTemplateVariablesError,
  missingVariablesInRequest,
  templateNotFound,
} from './notification-errors';
import type { NotificationDependencies } from './notification-ports';
import { newPendingNotification } from './notification-rules';
import type { RenderedMessage } from './template';
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
  if (!template) throw templateNotFound(request.template, request.type);
  let message: RenderedMessage;
  try {
    message = renderTemplate(template, request.variables ?? {});
  } catch (error) {
    if (error instanceof MissingTemplateVariablesError) throw missingVariablesInRequest(error);
    throw error;
  }

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
    await dependencies.notifications.scheduleRetry(
      attempted.id,
      createEvent({
        eventType: 'notification.requested',
        source: SERVICE_NAME,
        aggregateId: attempted.id,
        sequence: 1,
        correlationId: currentCorrelationId(),
        data: { notificationId: attempted.id },
      }),
    );
  }
  return attempted;
}
