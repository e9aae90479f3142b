import { InvalidError, NotFoundError } from '@ecommerce/shared';
import type { TemplateType } from './template';

/**
 * A template uses variables that were not given. For a request that is bad input; for an order
 * event it means an edited template asks for something events do not carry: only a fix helps.
 */
export class MissingTemplateVariablesError extends InvalidError {
  constructor(
    readonly template: string,
    readonly templateType: TemplateType,
    readonly missing: string[],
  ) {
    super(
      'MISSING_TEMPLATE_VARIABLE',
      `Template ${template} (${templateType}) needs variable${missing.length > 1 ? 's' : ''} ` +
        `${missing.join(', ')}, which ${missing.length > 1 ? 'were' : 'was'} not given`,
      { missing },
    );
  }
}

/** No template of that name for that channel (asked for by a request, or gone from the seed). */
export class TemplateNotFoundError extends NotFoundError {
  constructor(name: string, type: TemplateType) {
    super('TEMPLATE_NOT_FOUND', `No ${type} template named "${name}"`);
  }
}

export class NotificationNotFoundError extends NotFoundError {
  constructor(notificationId: string) {
    super('NOTIFICATION_NOT_FOUND', `Notification ${notificationId} does not exist`);
  }
}

/** The provider refused the message for good (a bad address, say): attempting again cannot help. */
export class NotificationRefusedError extends InvalidError {
  constructor(notificationId: string, reason: string) {
    super('NOTIFICATION_REFUSED', `Notification ${notificationId} was refused: ${reason}`);
  }
}

/**
 * Another consumer (a second instance, or this one before a crash) started delivering this
 * notification less than a lease ago. Transient: the bus retries, and by then it is sent or the
 * lease has run out and this attempt takes it over.
 */
export class DeliveryInProgressError extends Error {
  constructor(notificationId: string) {
    super(`Notification ${notificationId} is being delivered by another attempt`);
    this.name = 'DeliveryInProgressError';
  }
}

/** The provider could not deliver: transient, the event is retried. */
export class DeliveryFailedError extends Error {
  constructor(notificationId: string, reason: string) {
    super(`Notification ${notificationId} could not be delivered: ${reason}`);
    this.name = 'DeliveryFailedError';
  }
}
