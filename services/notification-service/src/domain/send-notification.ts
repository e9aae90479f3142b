import { randomUUID } from 'node:crypto';
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
 * every attempt leaves a record; answered with the record as it ends up (SENT, or FAILED with
 * the provider's error).
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
  return (await deliverNotification(notification, dependencies)).notification;
}
