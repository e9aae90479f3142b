import { badRequest, notFound, PermanentError } from '@ecommerce/shared';
import type { TemplateType } from './template';

/** A template uses variables that were not given. Pure code throws it; use cases translate it. */
export class MissingTemplateVariablesError extends Error {
  constructor(
    readonly template: string,
    readonly templateType: TemplateType,
    readonly missing: string[],
  ) {
    super(
      `Template ${template} (${templateType}) needs variable${missing.length > 1 ? 's' : ''} ` +
        `${missing.join(', ')}, which ${missing.length > 1 ? 'were' : 'was'} not given`,
    );
    this.name = 'MissingTemplateVariablesError';
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

const templateNotFoundMessage = (name: string, type: TemplateType) =>
  `No ${type} template named "${name}"`;

/** HTTP: the request names a template that does not exist for its channel. */
export const templateNotFound = (name: string, type: TemplateType) =>
  notFound(templateNotFoundMessage(name, type), 'TEMPLATE_NOT_FOUND');

/** Events: a template the service seeds itself is gone; retrying cannot bring it back. */
export const templateMissingForEvent = (name: string, type: TemplateType) =>
  new PermanentError(templateNotFoundMessage(name, type));

export const missingVariablesInRequest = (error: MissingTemplateVariablesError) =>
  badRequest(error.message, { missing: error.missing }, 'MISSING_TEMPLATE_VARIABLE');
